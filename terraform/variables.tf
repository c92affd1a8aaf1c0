variable "project" {
  description = "Project/environment name, lowercase (e.g. s3p-dev). Prefixes every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project))
    error_message = "project must be 2-20 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "tags" {
  description = "Tags added to every resource (through the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "artifacts_dir" {
  description = "Directory holding functions/<function>.zip and layers/<layer>.zip, relative to terraform/ (the build writes ../dist)."
  type        = string
  default     = "../dist"
}

variable "log_retention_days" {
  description = "Retention of every function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic ARN notified by the Errors, Throttles and DLQ-depth alarms; null creates the alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be null or an SNS topic ARN."
  }
}

variable "network" {
  description = "Optional VPC for the functions: private subnets in the given AZs, an S3 gateway endpoint limited to the project's buckets, and a security group."
  type = object({
    create = optional(bool, false)
    cidr   = optional(string, "10.42.0.0/16")
    azs    = optional(list(string), ["eu-west-1a", "eu-west-1b"])
  })
  default = {}

  validation {
    condition     = can(cidrhost(var.network.cidr, 0)) && length(var.network.azs) >= 2
    error_message = "network.cidr must be a valid IPv4 CIDR and network.azs must list at least 2 availability zones."
  }
}

variable "buckets" {
  description = "Buckets by logical name. The real name is \"<project>-<logical>-\" plus a unique suffix."
  type = map(object({
    force_destroy   = optional(bool, false)
    kms_key_arn     = optional(string)
    noncurrent_days = optional(number, 30)
  }))

  validation {
    condition     = alltrue([for k, _ in var.buckets : can(regex("^[a-z0-9][a-z0-9-]*$", k)) && k != "artifacts"])
    error_message = "Bucket keys must be lowercase letters, digits and hyphens (\"artifacts\" is reserved for the artifacts bucket)."
  }

  validation {
    condition     = alltrue([for k, _ in var.buckets : length("${var.project}-${k}-") <= 37])
    error_message = "\"<project>-<bucket key>-\" must be at most 37 characters (S3 adds a 26-character suffix to bucket_prefix); shorten the project or the bucket key."
  }

  validation {
    condition     = alltrue([for k, b in var.buckets : b.noncurrent_days >= 1 && (b.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", b.kms_key_arn)))])
    error_message = "noncurrent_days must be at least 1 and kms_key_arn, when set, a KMS key ARN."
  }
}

variable "pipelines" {
  description = "Pipelines by name: which function processes objects created in which bucket (prefix/suffix), where it writes, and how events are delivered (direct or queue). See docs/deploy.md for every field."
  type = map(object({
    function             = string
    source_bucket        = string
    prefix               = optional(string, "")
    suffix               = optional(string, "")
    output_bucket        = optional(string)
    output_prefix        = optional(string, "")
    delivery             = optional(string, "direct")
    memory_mb            = optional(number, 512)
    timeout_s            = optional(number, 300)
    architecture         = optional(string, "arm64")
    reserved_concurrency = optional(number)
    max_retries          = optional(number, 2)
    max_event_age_s      = optional(number, 3600)
    batch_size           = optional(number, 10)
    publish              = optional(bool, true)
    settings             = optional(map(string), {})
  }))

  validation {
    condition     = alltrue([for k, _ in var.pipelines : can(regex("^[a-z0-9][a-z0-9-]*$", k)) && length("${var.project}-${k}") <= 50])
    error_message = "Pipeline keys must be lowercase letters, digits and hyphens, and \"<project>-<pipeline>\" at most 50 characters (it names the function, role and queues)."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : contains(["checksum", "metadata", "compress", "image-resize"], p.function)])
    error_message = "Every pipeline's function must be one of checksum, metadata, compress, image-resize."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : contains(["direct", "queue"], p.delivery) && contains(["arm64", "x86_64"], p.architecture)])
    error_message = "delivery must be \"direct\" or \"queue\", and architecture \"arm64\" or \"x86_64\"."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : contains(keys(var.buckets), p.source_bucket) && (p.output_bucket == null || contains(keys(var.buckets), coalesce(p.output_bucket, "-")))])
    error_message = "source_bucket and output_bucket must name keys of var.buckets (logical names, not real bucket names)."
  }

  validation {
    condition = alltrue([
      for k, p in var.pipelines :
      p.memory_mb >= 128 && p.memory_mb <= 10240 && p.timeout_s >= 1 && p.timeout_s <= 900 &&
      p.max_retries >= 0 && p.max_retries <= 2 && p.max_event_age_s >= 60 && p.max_event_age_s <= 21600 &&
      p.batch_size >= 1 && p.batch_size <= 10000 && (p.reserved_concurrency == null || try(p.reserved_concurrency >= 0, false))
    ])
    error_message = "memory_mb must be 128-10240, timeout_s 1-900, max_retries 0-2, max_event_age_s 60-21600, batch_size 1-10000 and reserved_concurrency null or >= 0."
  }

  validation {
    condition = alltrue(flatten([
      for k, p in var.pipelines : [
        for name, _ in p.settings :
        can(regex("^[A-Z][A-Z0-9_]*$", name)) && !contains(local.reserved_env, name)
      ]
    ]))
    error_message = "settings keys must match ^[A-Z][A-Z0-9_]*$ and must not be one of ${join(", ", local.reserved_env)} (Terraform sets those)."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : p.function != "checksum" || (p.output_bucket == null && p.output_prefix == "")])
    error_message = "checksum writes KEY.md5 beside the source object: leave output_bucket and output_prefix unset for checksum pipelines."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : p.function != "image-resize" || (p.output_bucket != null && p.output_bucket != p.source_bucket)])
    error_message = "image-resize pipelines must write to a different bucket: set output_bucket to a bucket other than source_bucket."
  }

  # The loop and overlap rules span several pipelines and the function catalog:
  # they are lifecycle preconditions of terraform_data.pipeline_rules (main.tf).
}
