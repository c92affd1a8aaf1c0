variable "bucket_prefix" {
  description = "Prefix of the bucket name; AWS appends a unique suffix. Lowercase letters, digits and hyphens, at most 37 characters."
  type        = string

  validation {
    condition     = length(var.bucket_prefix) <= 37 && can(regex("^[a-z0-9][a-z0-9-]*$", var.bucket_prefix))
    error_message = "bucket_prefix must be lowercase letters, digits and hyphens, start with a letter or digit, and be at most 37 characters (S3 appends 26)."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete the bucket even when it still holds objects (and object versions)."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for SSE-KMS default encryption. null means SSE-S3 (AES256)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "lifecycle_days" {
  description = "Days after which noncurrent object versions expire (noncurrent) and incomplete multipart uploads are aborted (abort_multipart)."
  type = object({
    noncurrent      = optional(number, 30)
    abort_multipart = optional(number, 7)
  })
  default = {}

  validation {
    condition     = var.lifecycle_days.noncurrent >= 1 && var.lifecycle_days.abort_multipart >= 1
    error_message = "lifecycle_days.noncurrent and lifecycle_days.abort_multipart must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
  default     = {}
}

variable "inventory_sources" {
  description = "S3 Inventory reports this bucket accepts: from the buckets in bucket_arns, owned by account_id, under the key prefix (S3 adds <source bucket>/<configuration id>/). null or no bucket_arns: no such statement."
  type = object({
    bucket_arns = list(string)
    account_id  = string
    prefix      = string
  })
  default = null

  validation {
    condition = var.inventory_sources == null ? true : (
      can(regex("^[0-9]{12}$", var.inventory_sources.account_id)) &&
      can(regex("^[a-z0-9][a-z0-9!_.*'()-]*/$", var.inventory_sources.prefix)) &&
      alltrue([for a in var.inventory_sources.bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]*$", a))])
    )
    error_message = "inventory_sources needs a 12-digit account_id, a prefix ending in / (such as inventory/) and bucket ARNs (arn:aws:s3:::NAME)."
  }
}
