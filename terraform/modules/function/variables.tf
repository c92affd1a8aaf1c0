variable "name" {
  description = "Function name; also names its role, log group, DLQ and alarms."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,49}$", var.name))
    error_message = "name must be 1-50 lowercase letters, digits or hyphens (room is left for suffixes such as -async-dlq)."
  }
}

variable "context" {
  description = "Partition, region and account the resources live in. ARNs in policies are built from these and the names, so policies render at plan time."
  type = object({
    partition  = optional(string, "aws")
    region     = string
    account_id = string
  })

  validation {
    condition     = can(regex("^[0-9]{12}$", var.context.account_id)) && can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.context.region)) && can(regex("^aws(-[a-z]+)*$", var.context.partition))
    error_message = "context needs a 12-digit account_id, a region like eu-west-1 and a partition like aws."
  }
}

variable "description" {
  description = "Function description."
  type        = string
  default     = ""
}

variable "zip_path" {
  description = "Path of the function zip (dist/functions/<function>.zip). Its SHA-256 is the source_code_hash."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime configuration: handler and runtime identifier."
  type = object({
    handler = optional(string, "index.handler")
    runtime = optional(string, "nodejs22.x")
  })
  default = {}

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.runtime.runtime)) && length(var.runtime.handler) > 0
    error_message = "runtime.runtime must be a nodejsNN.x runtime and runtime.handler must not be empty."
  }
}

variable "compute" {
  description = "CPU architecture (arm64 or x86_64), memory (MB), timeout (s) and reserved concurrency (null = unreserved)."
  type = object({
    architecture         = optional(string, "arm64")
    memory_mb            = optional(number, 512)
    timeout_s            = optional(number, 300)
    reserved_concurrency = optional(number)
  })
  default = {}

  validation {
    condition     = contains(["arm64", "x86_64"], var.compute.architecture)
    error_message = "compute.architecture must be arm64 or x86_64."
  }

  validation {
    condition     = var.compute.memory_mb >= 128 && var.compute.memory_mb <= 10240 && var.compute.timeout_s >= 1 && var.compute.timeout_s <= 900
    error_message = "compute.memory_mb must be 128-10240 and compute.timeout_s 1-900."
  }

  validation {
    condition     = var.compute.reserved_concurrency == null || try(var.compute.reserved_concurrency >= 0, false)
    error_message = "compute.reserved_concurrency must be null or at least 0."
  }
}

variable "publish" {
  description = "Publish a version on every code or configuration change and point a `live` alias at it (the rollback handle)."
  type        = bool
  default     = true
}

variable "layers" {
  description = "Layer version ARNs, in load order."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layers) <= 5
    error_message = "A Lambda function takes at most 5 layers."
  }
}

variable "environment" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "async_invoke" {
  description = "Asynchronous invocation (S3 direct delivery): retries (0-2) and maximum event age (60-21600 s); failures go to the function's own DLQ, which this creates with its depth alarm. null = the function is not invoked asynchronously (queue delivery): no DLQ, no event invoke config."
  type = object({
    max_retries     = optional(number, 2)
    max_event_age_s = optional(number, 3600)
  })
  default = {}

  validation {
    condition     = var.async_invoke == null || try(var.async_invoke.max_retries >= 0 && var.async_invoke.max_retries <= 2 && var.async_invoke.max_event_age_s >= 60 && var.async_invoke.max_event_age_s <= 21600, false)
    error_message = "async_invoke must be null, or have max_retries 0-2 and max_event_age_s 60-21600."
  }
}

variable "s3_object_access" {
  description = "Object-level S3 permissions. Map key = statement id (letters and digits). Each grants `actions` on arn:<partition>:s3:::<bucket>/<key> for every IAM key pattern in `keys` (e.g. \"incoming/*\", \"incoming/*.md5\")."
  type = map(object({
    bucket_arn = string
    keys       = optional(list(string), ["*"])
    actions    = list(string)
  }))
  default = {}

  validation {
    condition = alltrue([
      for sid, a in var.s3_object_access :
      can(regex("^[A-Za-z0-9]+$", sid)) && length(a.actions) > 0 && alltrue([
        for action in a.actions : can(regex("^s3:[A-Za-z]+$", action)) && action != "s3:ListBucket"
      ]) && length(a.keys) > 0
    ])
    error_message = "s3_object_access keys must be alphanumeric statement ids, each with at least one key pattern, and actions must be explicit object-level s3:Action names (no wildcards, no s3:ListBucket - use s3_list_access)."
  }
}

variable "s3_list_access" {
  description = "s3:ListBucket grants. Map key = statement id. Each grants ListBucket on the bucket, limited by a s3:prefix StringLikeIfExists condition to <prefix>* (absent on the check behind HeadObject 404s)."
  type = map(object({
    bucket_arn = string
    prefix     = optional(string, "")
  }))
  default = {}

  validation {
    condition     = alltrue([for sid, _ in var.s3_list_access : can(regex("^[A-Za-z0-9]+$", sid))])
    error_message = "s3_list_access keys must be alphanumeric statement ids."
  }
}

variable "kms_key_arns" {
  description = "KMS keys of the buckets the function reads or writes (only buckets with SSE-KMS). Grants kms:Decrypt and kms:GenerateDataKey on exactly these keys."
  type        = list(string)
  default     = []
}

variable "queue" {
  description = "The SQS queue this function consumes (queue delivery), or null. Grants receive/delete on exactly that queue."
  type = object({
    arn = string
  })
  default = null
}

variable "vpc" {
  description = "Run the function in these private subnets with these security groups, or null for no VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.vpc == null || try(length(var.vpc.subnet_ids) > 0 && length(var.vpc.security_group_ids) > 0, false)
    error_message = "vpc must be null or name at least one subnet and one security group."
  }
}

variable "create_alarms" {
  description = "Create CloudWatch alarms on Errors, Throttles and DLQ depth."
  type        = bool
  default     = true
}

variable "alarms" {
  description = "Alarm settings: topic_arn (SNS) receives alarm and OK notifications when set; period and evaluation periods."
  type = object({
    topic_arn          = optional(string)
    period_s           = optional(number, 300)
    evaluation_periods = optional(number, 1)
  })
  default = {}

  validation {
    condition     = var.alarms.period_s >= 60 && var.alarms.evaluation_periods >= 1
    error_message = "alarms.period_s must be at least 60 and alarms.evaluation_periods at least 1."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the managed policy set as the execution role's permissions boundary, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

variable "retain_log_group" {
  description = "Keep the log group when the module is destroyed (skip_destroy): Terraform forgets it instead of deleting it. Creating the function again then needs the group imported or deleted first."
  type        = bool
  default     = false
}

variable "recursive_loop" {
  description = "What Lambda does when it detects this function in a recursive loop (e.g. writing to S3 objects that invoke it again): Terminate (stop the chain) or Allow."
  type        = string
  default     = "Terminate"

  validation {
    condition     = contains(["Terminate", "Allow"], var.recursive_loop)
    error_message = "recursive_loop must be Terminate or Allow."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
