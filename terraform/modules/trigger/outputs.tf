output "event_patterns" {
  description = "EventBridge event pattern (JSON) per queue pipeline."
  value       = local.event_patterns
}

output "queue_urls" {
  description = "SQS queue URL per queue pipeline."
  value       = { for k, q in aws_sqs_queue.this : k => q.url }
}

output "dlq_urls" {
  description = "DLQ URL per queue pipeline."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.url }
}

output "rule_dlq_urls" {
  description = "URL of the rule's dead-letter queue (events EventBridge could not put into the queue) per queue pipeline."
  value       = { for k, q in aws_sqs_queue.rule_dlq : k => q.url }
}

# Whole resources, for tests and debugging (terraform console).
output "notification" {
  description = "The bucket's aws_s3_bucket_notification (all attributes)."
  value       = aws_s3_bucket_notification.this
}

output "permissions" {
  description = "aws_lambda_permission per direct pipeline (all attributes)."
  value       = aws_lambda_permission.this
}

output "rules" {
  description = "aws_cloudwatch_event_rule per queue pipeline (all attributes)."
  value       = aws_cloudwatch_event_rule.this
}

output "targets" {
  description = "aws_cloudwatch_event_target per queue pipeline (all attributes)."
  value       = aws_cloudwatch_event_target.this
}

output "queues" {
  description = "aws_sqs_queue per queue pipeline (all attributes)."
  value       = aws_sqs_queue.this
}

output "queue_dlqs" {
  description = "The DLQ aws_sqs_queue per queue pipeline (all attributes)."
  value       = aws_sqs_queue.dlq
}

output "rule_dlqs" {
  description = "The rule's dead-letter aws_sqs_queue per queue pipeline (all attributes)."
  value       = aws_sqs_queue.rule_dlq
}

output "rule_dlq_policy_json" {
  description = "The policy of the rule's dead-letter queue per queue pipeline."
  value       = { for k in keys(local.queued) : k => data.aws_iam_policy_document.rule_sends["${k}/rule_dlq"].json }
}

output "alarms" {
  description = "aws_cloudwatch_metric_alarm by \"<pipeline>/<kind>\": dlq (processing failed max_receive_count times), rule_dlq and failed_invocations (the event never reached the queue)."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.dlq : "${k}/dlq" => a },
    aws_cloudwatch_metric_alarm.undelivered,
  )
}

output "queue_policy_json" {
  description = "The queue policy document per queue pipeline."
  value       = { for k in keys(local.queued) : k => data.aws_iam_policy_document.rule_sends["${k}/queue"].json }
}

output "event_source_mappings" {
  description = "aws_lambda_event_source_mapping per queue pipeline (all attributes)."
  value       = aws_lambda_event_source_mapping.this
}
