variable "name" {
  description = "Name prefix of the network resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}$", var.name))
    error_message = "name must be 1-41 lowercase letters, digits or hyphens."
  }
}

variable "region" {
  description = "Region of the VPC (names the S3 gateway endpoint service; no API call needed)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "cidr" {
  description = "IPv4 CIDR of the VPC; one /(n+4) private subnet is carved per AZ."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0))
    error_message = "cidr must be a valid IPv4 CIDR block such as 10.42.0.0/16."
  }
}

variable "azs" {
  description = "Availability zones for the private subnets (at least 2). Given, not looked up, so plan needs no API call."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]

  validation {
    condition     = length(var.azs) >= 2 && length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must list at least 2 distinct availability zones."
  }
}

variable "bucket_arns" {
  description = "ARNs of the project's buckets: the only buckets the S3 gateway endpoint policy allows."
  type        = list(string)

  validation {
    condition     = length(var.bucket_arns) > 0
    error_message = "bucket_arns must name at least one bucket."
  }
}

variable "s3_actions" {
  description = "S3 actions the endpoint policy allows on the project's buckets (explicit names, no wildcards): what the functions call, and no more (no s3:DeleteObjectVersion: compress deletes with a marker)."
  type        = list(string)
  default = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAttributes",
    "s3:GetObjectVersionAttributes",
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:ListBucket",
  ]

  validation {
    condition     = alltrue([for a in var.s3_actions : can(regex("^s3:[A-Za-z]+$", a))])
    error_message = "s3_actions must be explicit s3:Action names (no wildcards)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
