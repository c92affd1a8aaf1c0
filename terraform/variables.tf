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
  description = "SNS topic ARN notified by every alarm (Errors, Throttles, DLQ depth, permanent failures, undelivered events). null: Terraform creates \"<project>-alarms\" and the alarms notify it, unless alarms_without_actions = true."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be null or an SNS topic ARN."
  }
}

variable "alarms_without_actions" {
  description = "Explicit opt-out: create the alarms with no actions (no topic, nobody is notified). For environments nobody watches, such as dev; the alarm_notifications output says so in every plan."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !(var.alarms_without_actions && var.alarm_topic_arn != null)
    error_message = "alarms_without_actions = true and an alarm_topic_arn contradict each other; keep one."
  }
}

variable "alarm_thresholds" {
  description = "Thresholds of the backlog alarms, per pipeline: event_lag_p99_s (600), the p99 of EventLag (event time to processing start) over 5 minutes; oldest_message_age_s (1800), the age of the oldest message in a queue pipeline's queue. They notify like every other alarm (alarm_topic_arn, alarms_without_actions)."
  type = object({
    event_lag_p99_s      = optional(number, 600)
    oldest_message_age_s = optional(number, 1800)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarm_thresholds.event_lag_p99_s >= 1 && var.alarm_thresholds.oldest_message_age_s >= 60
    error_message = "alarm_thresholds.event_lag_p99_s must be at least 1 and alarm_thresholds.oldest_message_age_s at least 60 (SQS reports the age once a minute)."
  }
}

variable "permissions_boundary" {
  description = "Permissions boundary of every IAM role this configuration creates: a managed policy name in the deploying account (\"{project}\" is replaced by project) or a full policy ARN. The documented deploy role may only create roles with this boundary. null = no boundary (explicit opt-out, for deploy roles without that condition)."
  type        = string
  default     = "{project}-boundary"

  validation {
    condition     = var.permissions_boundary == null || can(regex("^(arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/{}-]+|[A-Za-z0-9+=,.@_{}-]{1,128})$", var.permissions_boundary))
    error_message = "permissions_boundary must be null, an IAM policy name (letters, digits, +=,.@_- and {project}) or a policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

variable "protect_from_destroy" {
  description = "Keep data when the environment is destroyed: log groups are retained (skip_destroy) and no data bucket is force-destroyed, whatever its force_destroy says. false = destroy deletes log groups, and buckets with force_destroy = true are emptied."
  type        = bool
  default     = true
  nullable    = false
}

variable "network" {
  description = "Optional VPC for the functions: private subnets in the given AZs (default: the region's a and b), an S3 gateway endpoint limited to the project's buckets, and a security group. Fields: create (false), cidr (\"10.42.0.0/16\"), azs. Checked field by field in locals.tf against catalog.json."
  # `any`, not an object type: type conversion would silently drop a misspelt
  # field. locals.tf reads every field by its catalog entry and refuses the rest.
  type     = any
  default  = {}
  nullable = false
}

variable "buckets" {
  description = "Buckets by logical name. The real name is \"<project>-<logical>-\" plus a unique suffix. Fields: force_destroy (false; takes effect only with protect_from_destroy = false), kms_key_arn (null), noncurrent_days (30). Checked field by field in locals.tf against catalog.json."
  # `any`, not map(object): see var.network.
  type     = any
  nullable = false
}

variable "pipelines" {
  description = "Pipelines by name: which function processes objects created in which bucket (prefix/suffix), where it writes, how events are delivered (direct or queue), and which pipelines' outputs it consumes. Every field, its default and its limits are in catalog.json (pipeline_fields); docs/deploy.md explains them."
  # `any`, not map(object): type conversion would silently drop a misspelt
  # field ("prefx" would start a pipeline on the whole bucket). locals.tf reads
  # every field by its catalog entry, refuses unknown ones with the nearest
  # valid name, and terraform_data.pipeline_rules fails the plan with the
  # sentences, the same ones the local stack prints.
  type     = any
  default  = {}
  nullable = false
}
