variable "bucket" {
  description = "The source bucket every pipeline of this module watches (real name and ARN)."
  type = object({
    name = string
    arn  = string
  })
}

variable "context" {
  description = "Partition, region and account the bucket and queues live in. ARNs in policies are built from these and the names, so policies render at plan time."
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

variable "pipelines" {
  description = <<-EOT
    Every pipeline whose source is this bucket, keyed by pipeline name.
    direct: S3 notification -> function (one notification resource holds them all).
    queue: S3 -> EventBridge rule -> SQS queue (queue_name, with its own DLQ) -> event source mapping.
    exclude_suffix (queue only): when prefix and suffix are empty, keys ending in it are not matched
    (anything-but), so a function's own outputs do not trigger it.
    max_concurrency (queue only): the event source mapping's maximum concurrency (2-1000), null = none.
  EOT
  type = map(object({
    delivery              = string
    prefix                = optional(string, "")
    suffix                = optional(string, "")
    exclude_suffix        = optional(string)
    function_name         = string
    function_target_arn   = string
    qualifier             = optional(string)
    queue_name            = optional(string)
    visibility_timeout_s  = optional(number, 1800)
    batch_size            = optional(number, 10)
    max_batching_window_s = optional(number, 0)
    max_receive_count     = optional(number, 5)
    max_concurrency       = optional(number)
  }))

  validation {
    condition     = alltrue([for k, p in var.pipelines : contains(["direct", "queue"], p.delivery)])
    error_message = "Every pipeline's delivery must be \"direct\" or \"queue\"."
  }

  validation {
    condition     = alltrue([for k, p in var.pipelines : p.delivery == "direct" || try(can(regex("^[A-Za-z0-9_-]{1,71}$", p.queue_name)), false)])
    error_message = "Every queue pipeline needs a queue_name of 1-71 letters, digits, hyphens or underscores (\"-dlq\" and \"-rule-dlq\" are appended for its dead-letter queues; SQS allows 80)."
  }

  validation {
    condition = alltrue([
      for k, p in var.pipelines :
      p.batch_size >= 1 && p.batch_size <= 10000 && p.max_receive_count >= 1 &&
      p.visibility_timeout_s >= 0 && p.visibility_timeout_s <= 43200 &&
      (p.batch_size <= 10 || p.max_batching_window_s >= 1) &&
      (p.max_concurrency == null || try(p.max_concurrency >= 2 && p.max_concurrency <= 1000, false))
    ])
    error_message = "batch_size must be 1-10000 (above 10 needs max_batching_window_s >= 1), max_receive_count at least 1, visibility_timeout_s 0-43200, max_concurrency null or 2-1000."
  }
}

variable "event_retry" {
  description = "How long (60-86400 s) and how often (0-185) EventBridge retries putting an event into a queue before it goes to the rule's dead-letter queue."
  type = object({
    max_event_age_s = optional(number, 86400)
    max_attempts    = optional(number, 185)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.event_retry.max_event_age_s >= 60 && var.event_retry.max_event_age_s <= 86400 && var.event_retry.max_attempts >= 0 && var.event_retry.max_attempts <= 185
    error_message = "event_retry.max_event_age_s must be 60-86400 and event_retry.max_attempts 0-185."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic notified when a queue's DLQ or the rule's dead-letter queue holds messages, or the rule drops events; null = alarms without actions."
  type        = string
  default     = null
}

variable "create_alarms" {
  description = "Create, for every queue pipeline, alarms on its DLQ depth, its rule's dead-letter queue depth and the rule's failed invocations."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
