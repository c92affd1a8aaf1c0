output "name" {
  description = "Function name."
  value       = aws_lambda_function.this.function_name
}

output "target_arn" {
  description = "What triggers invoke: the `live` alias ARN when published, else the function ARN. Available only once the role policy is attached."
  value       = var.publish ? aws_lambda_alias.this[0].arn : aws_lambda_function.this.arn
  depends_on  = [aws_iam_role_policy.this]
}

output "qualifier" {
  description = "The alias name triggers use (\"live\"), or null when not published."
  value       = var.publish ? aws_lambda_alias.this[0].name : null
}

output "version" {
  description = "The latest published version (\"$LATEST\" when not published)."
  value       = aws_lambda_function.this.version
}

output "policy_json" {
  description = "The execution role's least-privilege policy document."
  value       = data.aws_iam_policy_document.this.json
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "dlq_url" {
  description = "URL of the DLQ for failed asynchronous invocations, or null when async_invoke is null (queue delivery)."
  value       = one(aws_sqs_queue.dlq[*].url)
}

# Whole resources, for tests and debugging (terraform console).
output "function" {
  description = "The aws_lambda_function (all attributes)."
  value       = aws_lambda_function.this
}

output "alias" {
  description = "The `live` aws_lambda_alias, or null when not published."
  value       = var.publish ? aws_lambda_alias.this[0] : null
}

output "event_invoke_config" {
  description = "The aws_lambda_function_event_invoke_config (all attributes), or null when async_invoke is null."
  value       = one(aws_lambda_function_event_invoke_config.this)
}

output "dlq" {
  description = "The async-invoke DLQ aws_sqs_queue (all attributes), or null when async_invoke is null."
  value       = one(aws_sqs_queue.dlq)
}

output "alarms" {
  description = "aws_cloudwatch_metric_alarm by kind: errors, throttles, permanent_failures, and dlq_depth when invoked asynchronously."
  value       = aws_cloudwatch_metric_alarm.this
}

output "role" {
  description = "The execution aws_iam_role (all attributes)."
  value       = aws_iam_role.this
}

output "recursion_config" {
  description = "The aws_lambda_function_recursion_config (all attributes)."
  value       = aws_lambda_function_recursion_config.this
}

output "log_group" {
  description = "The aws_cloudwatch_log_group (all attributes)."
  value       = aws_cloudwatch_log_group.this
}

output "vpc_policy_json" {
  description = "The ENI policy document, or null without a VPC."
  value       = var.vpc == null ? null : data.aws_iam_policy_document.vpc[0].json
}

output "permanent_failure_filter" {
  description = "The log metric filter counting permanent (not retried) failures, or null without alarms."
  value       = one(aws_cloudwatch_log_metric_filter.permanent_failures)
}
