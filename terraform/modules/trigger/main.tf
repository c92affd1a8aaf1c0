locals {
  # Built from names (not resource attributes) so the queue policies render at plan time.
  queue_arns = { for k, p in var.pipelines : k => "arn:${var.context.partition}:sqs:${var.context.region}:${var.context.account_id}:${p.queue_name}" if p.delivery == "queue" }
  # Where the rule puts an event it could not deliver to the queue.
  rule_dlq_arns = { for k, p in var.pipelines : k => "arn:${var.context.partition}:sqs:${var.context.region}:${var.context.account_id}:${p.queue_name}-rule-dlq" if p.delivery == "queue" }
  rule_arns     = { for k, p in var.pipelines : k => "arn:${var.context.partition}:events:${var.context.region}:${var.context.account_id}:rule/${p.queue_name}" if p.delivery == "queue" }

  # What each queue pipeline's rule may send to: its queue, and its own dead-letter queue.
  rule_sends = merge(
    {
      for k in keys(local.queued) : "${k}/queue" => {
        sid       = "AllowRuleToSend"
        queue_arn = local.queue_arns[k]
        rule_arn  = local.rule_arns[k]
      }
    },
    {
      for k in keys(local.queued) : "${k}/rule_dlq" => {
        sid       = "AllowRuleToDeadLetter"
        queue_arn = local.rule_dlq_arns[k]
        rule_arn  = local.rule_arns[k]
      }
    },
  )

  direct = { for k, p in var.pipelines : k => p if p.delivery == "direct" }
  queued = { for k, p in var.pipelines : k => p if p.delivery == "queue" }

  # EventBridge wildcard patterns treat `*` as a wildcard and `\` as the escape
  # character, so both are escaped in user-supplied prefixes and suffixes.
  wildcard_escaped = {
    for k, p in local.queued : k => {
      prefix = replace(replace(p.prefix, "\\", "\\\\"), "*", "\\*")
      suffix = replace(replace(p.suffix, "\\", "\\\\"), "*", "\\*")
    }
  }

  # detail.object.key filter, as JSON (branches of different shapes).
  key_filter_json = {
    for k, p in local.queued : k => (
      p.prefix != "" || p.suffix != "" ? jsonencode([{ wildcard = "${local.wildcard_escaped[k].prefix}*${local.wildcard_escaped[k].suffix}" }]) :
      p.exclude_suffix != null ? jsonencode([{ "anything-but" = { suffix = p.exclude_suffix } }]) :
      null
    )
  }

  event_patterns = {
    for k, p in local.queued : k => jsonencode({
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = jsondecode(local.key_filter_json[k] == null ? jsonencode({
        bucket = { name = [var.bucket.name] }
        }) : jsonencode({
        bucket = { name = [var.bucket.name] }
        object = { key = jsondecode(local.key_filter_json[k]) }
      }))
    })
  }
}

# ---------------------------------------------------------------- direct ----

resource "aws_lambda_permission" "this" {
  for_each = local.direct

  statement_id   = "AllowS3Invoke-${each.key}"
  action         = "lambda:InvokeFunction"
  function_name  = each.value.function_name
  qualifier      = each.value.qualifier
  principal      = "s3.amazonaws.com"
  source_arn     = var.bucket.arn
  source_account = var.context.account_id # the bucket owner
}

# S3 keeps ONE notification configuration per bucket: this resource holds every
# direct pipeline on the bucket, and turns on EventBridge delivery for the
# queue pipelines.
resource "aws_s3_bucket_notification" "this" {
  bucket      = var.bucket.name
  eventbridge = length(local.queued) > 0

  dynamic "lambda_function" {
    for_each = local.direct

    content {
      id                  = lambda_function.key
      lambda_function_arn = lambda_function.value.function_target_arn
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = lambda_function.value.prefix == "" ? null : lambda_function.value.prefix
      filter_suffix       = lambda_function.value.suffix == "" ? null : lambda_function.value.suffix
    }
  }

  depends_on = [aws_lambda_permission.this]
}

# ----------------------------------------------------------------- queue ----

resource "aws_sqs_queue" "dlq" {
  for_each = local.queued

  name                      = "${each.value.queue_name}-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  for_each = local.queued

  name                       = each.value.queue_name
  sqs_managed_sse_enabled    = true
  visibility_timeout_seconds = each.value.visibility_timeout_s
  message_retention_seconds  = 345600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.queued

  name          = each.value.queue_name
  description   = "Objects created in ${var.bucket.name} for pipeline ${each.key}"
  event_pattern = local.event_patterns[each.key]
  tags          = var.tags
}

# One document shape for both queues: only the pipeline's own rule (by ARN) may send.
data "aws_iam_policy_document" "rule_sends" {
  for_each = local.rule_sends

  statement {
    sid       = each.value.sid
    actions   = ["sqs:SendMessage"]
    resources = [each.value.queue_arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [each.value.rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  for_each = local.queued

  queue_url = aws_sqs_queue.this[each.key].url
  policy    = data.aws_iam_policy_document.rule_sends["${each.key}/queue"].json
}

# An event the rule cannot put into the queue (queue policy, KMS, throttling),
# after EventBridge's retries, lands here instead of being dropped.
resource "aws_sqs_queue" "rule_dlq" {
  for_each = local.queued

  name                      = "${each.value.queue_name}-rule-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue_policy" "rule_dlq" {
  for_each = local.queued

  queue_url = aws_sqs_queue.rule_dlq[each.key].url
  policy    = data.aws_iam_policy_document.rule_sends["${each.key}/rule_dlq"].json
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.queued

  rule      = aws_cloudwatch_event_rule.this[each.key].name
  target_id = "sqs"
  arn       = aws_sqs_queue.this[each.key].arn

  retry_policy {
    maximum_event_age_in_seconds = var.event_retry.max_event_age_s
    maximum_retry_attempts       = var.event_retry.max_attempts
  }

  dead_letter_config {
    arn = aws_sqs_queue.rule_dlq[each.key].arn
  }

  depends_on = [aws_sqs_queue_policy.this, aws_sqs_queue_policy.rule_dlq]
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = local.queued

  event_source_arn                   = aws_sqs_queue.this[each.key].arn
  function_name                      = each.value.function_target_arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.max_batching_window_s
  function_response_types            = ["ReportBatchItemFailures"]

  # At most this many concurrent invocations from the queue: a burst of
  # uploads waits in the queue instead of taking the account's concurrency.
  dynamic "scaling_config" {
    for_each = each.value.max_concurrency == null ? {} : { this = each.value.max_concurrency }

    content {
      maximum_concurrency = scaling_config.value
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  for_each = var.create_alarms ? local.queued : {}

  alarm_name          = "${each.value.queue_name}-dlq-depth"
  alarm_description   = "Pipeline ${each.key}: messages failed ${each.value.max_receive_count} times and wait in the DLQ."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  dimensions          = { QueueName = aws_sqs_queue.dlq[each.key].name }
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  ok_actions          = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  tags                = var.tags
}

locals {
  # Events that never reached the queue, by "<pipeline>/<kind>".
  undelivered_alarms = var.create_alarms ? merge([
    for k, p in local.queued : {
      "${k}/rule_dlq" = {
        name        = "${p.queue_name}-rule-dlq-depth"
        description = "Pipeline ${k}: EventBridge could not put events into the queue; they wait in ${p.queue_name}-rule-dlq."
        namespace   = "AWS/SQS"
        metric_name = "ApproximateNumberOfMessagesVisible"
        statistic   = "Maximum"
        dimensions  = { QueueName = "${p.queue_name}-rule-dlq" }
      }
      # Events dropped even by the dead-letter queue (e.g. its policy broke):
      # FailedInvocations does not count the ones sent to a DLQ.
      "${k}/failed_invocations" = {
        name        = "${p.queue_name}-failed-invocations"
        description = "Pipeline ${k}: EventBridge dropped events it could put neither into the queue nor into its dead-letter queue."
        namespace   = "AWS/Events"
        metric_name = "FailedInvocations"
        statistic   = "Sum"
        dimensions  = { RuleName = p.queue_name }
      }
    }
  ]...) : {}
}

resource "aws_cloudwatch_metric_alarm" "undelivered" {
  for_each = local.undelivered_alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  ok_actions          = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  tags                = var.tags
}
