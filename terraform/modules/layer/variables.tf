variable "name" {
  description = "Layer name (also the last part of the artifact's S3 key)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "zip_path" {
  description = "Path of the layer zip built by the build scripts (dist/layers/<layer>.zip)."
  type        = string
}

variable "artifacts_bucket" {
  description = "Name of the (versioned) bucket the layer zip is uploaded to."
  type        = string
}

variable "compatible_runtimes" {
  description = "Runtimes the layer is published for."
  type        = list(string)
  default     = ["nodejs22.x"]

  validation {
    condition     = length(var.compatible_runtimes) > 0 && alltrue([for r in var.compatible_runtimes : can(regex("^nodejs[0-9]+\\.x$", r))])
    error_message = "compatible_runtimes must list at least one nodejsNN.x runtime."
  }
}

variable "compatible_architectures" {
  description = "CPU architectures the layer works on: arm64 and/or x86_64."
  type        = list(string)
  default     = ["arm64", "x86_64"]

  validation {
    condition     = length(var.compatible_architectures) > 0 && alltrue([for a in var.compatible_architectures : contains(["arm64", "x86_64"], a)])
    error_message = "compatible_architectures must be a non-empty list of arm64 and/or x86_64."
  }
}

variable "skip_destroy" {
  description = "Keep old layer versions when a new one is published, so older function versions (rollback targets) keep a layer that exists."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to the uploaded S3 object."
  type        = map(string)
  default     = {}
}
