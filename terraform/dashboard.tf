# ---------------------------------------------------------------- dashboard --
#
# One CloudWatch dashboard per environment: a header and a block of graphs per
# pipeline (README, "Dashboard"). The pipelines' own metrics are the EMF ones
# the shared handler emits (packages/s3-stream/src/handler/metrics.ts):
# namespace s3-pipelines/<project> (POWERTOOLS_METRICS_NAMESPACE, main.tf), dimension
# service = the pipeline's name, which is the POWERTOOLS_SERVICE_NAME main.tf sets. The rest are AWS/Lambda metrics of the
# function and AWS/SQS metrics of its queues. Built from names, so the body
# renders at plan time and tests/dashboard.tftest.hcl can read it.

locals {
  dashboard_name             = "${var.project}-pipelines"
  pipeline_metrics_namespace = local.metrics_namespace

  # Per pipeline, its graphs in order: title and metrics (CloudWatch's
  # [namespace, name, dimension, value, {options}] rows; a row holding only an
  # options object is a math expression). Queue depth and age exist only for
  # queue delivery; the DLQ is the queue's in queue mode and the async
  # on-failure DLQ in direct mode.
  dashboard_graphs = {
    for k, r in local.routes : k => [
      for g in [
        {
          title = "Invocations, errors, throttles"
          metrics = [
            ["AWS/Lambda", "Invocations", "FunctionName", local.pipeline_names[k], { stat = "Sum" }],
            ["AWS/Lambda", "Errors", "FunctionName", local.pipeline_names[k], { stat = "Sum" }],
            ["AWS/Lambda", "Throttles", "FunctionName", local.pipeline_names[k], { stat = "Sum" }],
          ]
          when = true
        },
        {
          title = "Duration p50 / p99 (ms)"
          metrics = [
            ["AWS/Lambda", "Duration", "FunctionName", local.pipeline_names[k], { stat = "p50", label = "p50" }],
            ["AWS/Lambda", "Duration", "FunctionName", local.pipeline_names[k], { stat = "p99", label = "p99" }],
          ]
          when = true
        },
        {
          title = "Objects by outcome"
          metrics = [
            [local.pipeline_metrics_namespace, "ObjectsProcessed", "service", k, { stat = "Sum", label = "processed" }],
            [local.pipeline_metrics_namespace, "ObjectsSkipped", "service", k, { stat = "Sum", label = "skipped" }],
            [local.pipeline_metrics_namespace, "ObjectsFailed", "service", k, { stat = "Sum", label = "failed" }],
          ]
          when = true
        },
        {
          title = "Bytes per second"
          metrics = [
            [{ expression = "read/PERIOD(read)", label = "read B/s", id = "read_rate" }],
            [{ expression = "written/PERIOD(written)", label = "written B/s", id = "written_rate" }],
            [local.pipeline_metrics_namespace, "BytesRead", "service", k, { stat = "Sum", id = "read", visible = false }],
            [local.pipeline_metrics_namespace, "BytesWritten", "service", k, { stat = "Sum", id = "written", visible = false }],
          ]
          when = true
        },
        {
          title = "Event lag p99 (ms)"
          metrics = [
            [local.pipeline_metrics_namespace, "EventLag", "service", k, { stat = "p99", label = "lag p99" }],
          ]
          when = true
        },
        {
          title = "Concurrency"
          metrics = [
            ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", local.pipeline_names[k], { stat = "Maximum", label = "concurrent executions" }],
          ]
          when = true
        },
        {
          title = "Queue depth and oldest message (s)"
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", local.pipeline_names[k], { stat = "Maximum", label = "visible" }],
            ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", local.pipeline_names[k], { stat = "Maximum", label = "in flight" }],
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", local.pipeline_names[k], { stat = "Maximum", label = "oldest (s)", yAxis = "right" }],
          ]
          when = r.delivery == "queue"
        },
        {
          title = "DLQ depth"
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", local.dlq_names[k], { stat = "Maximum", label = local.dlq_names[k] }],
          ]
          when = true
        },
      ] : { title = g.title, metrics = g.metrics } if g.when
    ]
  }

  # The queue a pipeline's failures end up in (modules/trigger, modules/function).
  dlq_names = {
    for k, r in local.routes : k => r.delivery == "queue" ? "${local.pipeline_names[k]}-dlq" : "${local.pipeline_names[k]}-async-dlq"
  }

  # Each pipeline takes a block of 13 rows: a header line, then two rows of
  # four 6x6 graphs (CloudWatch's grid is 24 wide).
  dashboard_order = sort(keys(local.routes))
  dashboard_widgets = flatten([
    for i, k in local.dashboard_order : concat(
      [{
        type   = "text"
        x      = 0
        y      = i * 13
        width  = 24
        height = 1
        properties = {
          markdown = "## ${k}: ${local.routes[k].function}, ${local.routes[k].delivery} delivery, ${local.pipeline_names[k]}"
        }
      }],
      [for j, g in local.dashboard_graphs[k] : {
        type   = "metric"
        x      = (j % 4) * 6
        y      = i * 13 + 1 + floor(j / 4) * 6
        width  = 6
        height = 6
        properties = {
          title   = "${k}: ${g.title}"
          region  = var.region
          view    = "timeSeries"
          period  = 60
          stacked = false
          metrics = g.metrics
        }
      }],
    )
  ])

  queue_routes = { for k, r in local.routes : k => r if r.delivery == "queue" }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}

# Objects wait too long between their event and their processing: a backlog,
# throttling or retries. Batch tasks carry no event time, so a backfill does
# not raise it.
resource "aws_cloudwatch_metric_alarm" "event_lag" {
  for_each = local.routes

  alarm_name          = "${local.pipeline_names[each.key]}-event-lag"
  alarm_description   = "Pipeline ${each.key}: p99 event lag (event time to processing start) is over ${var.alarm_thresholds.event_lag_p99_s} s."
  namespace           = local.pipeline_metrics_namespace
  metric_name         = "EventLag"
  extended_statistic  = "p99"
  dimensions          = { service = each.key }
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.event_lag_p99_s * 1000
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic == null ? [] : [local.alarm_topic]
  ok_actions          = local.alarm_topic == null ? [] : [local.alarm_topic]
  tags                = { pipeline = each.key }
}

# The queue is not drained: the function is failing, throttled or too slow.
resource "aws_cloudwatch_metric_alarm" "oldest_message" {
  for_each = local.queue_routes

  alarm_name          = "${local.pipeline_names[each.key]}-oldest-message-age"
  alarm_description   = "Pipeline ${each.key}: the oldest message in queue ${local.pipeline_names[each.key]} is over ${var.alarm_thresholds.oldest_message_age_s} s old."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  statistic           = "Maximum"
  dimensions          = { QueueName = local.pipeline_names[each.key] }
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_thresholds.oldest_message_age_s
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic == null ? [] : [local.alarm_topic]
  ok_actions          = local.alarm_topic == null ? [] : [local.alarm_topic]
  tags                = { pipeline = each.key }
}
