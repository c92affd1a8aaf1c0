# The environment's dashboard and backlog alarms (dashboard.tf), with a mocked
# provider. The dashboard body is decoded and every pipeline's graphs are
# checked against what the other resources say that pipeline's metrics are
# called: the function's POWERTOOLS_SERVICE_NAME (the EMF `service` dimension),
# the function's name and its queues' names.

mock_provider "aws" {
  source = "./tests/mocks"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }
  }
}

variables {
  project       = "tp"
  region        = "eu-west-1"
  artifacts_dir = "tests/fixtures/artifacts"
  buckets = {
    uploads = {}
    reports = {}
    inbox   = {}
  }
  pipelines = {
    checksum = {
      function      = "checksum"
      source_bucket = "uploads"
      delivery      = "queue"
    }
    metadata = {
      function      = "metadata"
      source_bucket = "uploads"
      output_bucket = "reports"
      output_prefix = "metadata/"
      consumes      = ["checksum"]
    }
    compress = {
      function      = "compress"
      source_bucket = "inbox"
      prefix        = "incoming/"
      output_prefix = "processed/"
    }
  }
}

run "every_pipeline_graphs_its_own_metrics" {
  command = apply

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 3 + 8 + 7 + 7
    error_message = "One header per pipeline, 8 graphs for the queue pipeline and 7 for each direct one. Got: ${aws_cloudwatch_dashboard.this.dashboard_body}"
  }

  assert {
    condition = alltrue([for k, f in module.functions : length(setsubtract(
      # What each pipeline's metrics are called, from the resources that emit them.
      toset(flatten([
        [for m in ["Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"] : "AWS/Lambda ${m} FunctionName=${f.name}"],
        [for m in ["ObjectsProcessed", "ObjectsSkipped", "ObjectsFailed", "BytesRead", "BytesWritten", "EventLag"] : "${f.function.environment[0].variables.POWERTOOLS_METRICS_NAMESPACE} ${m} service=${f.function.environment[0].variables.POWERTOOLS_SERVICE_NAME}"],
        [for d in(f.dlq == null ? [] : [f.dlq.name]) : "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${d}"],
        [for b, t in module.triggers : [
          "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${t.queues[k].name}",
          "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${t.queue_dlqs[k].name}",
          "AWS/SQS ApproximateAgeOfOldestMessage QueueName=${t.queues[k].name}",
        ] if contains(keys(t.queues), k)],
      ])),
      toset(flatten([
        for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
          for row in try(w.properties.metrics, []) : "${row[0]} ${row[1]} ${row[2]}=${row[3]}" if can(tostring(row[0]))
        ] if w.type == "metric" && startswith(try(w.properties.title, ""), "${k}: ")
      ])),
    )) == 0])
    error_message = "Every pipeline's graphs must name its function's Lambda metrics, its EMF metrics under service = its POWERTOOLS_SERVICE_NAME, and its queue, DLQ and async DLQ. Got: ${aws_cloudwatch_dashboard.this.dashboard_body}"
  }

  # Nothing of another pipeline in a pipeline's graphs.
  assert {
    condition = alltrue(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for row in try(w.properties.metrics, []) : contains([
          for k in keys(module.functions) : k if startswith(try(w.properties.title, ""), "${k}: ")
        ], trimsuffix(trimsuffix(trimprefix(row[3], "tp-"), "-async-dlq"), "-dlq")) if can(tostring(row[0]))
      ] if w.type == "metric"
    ]))
    error_message = "A pipeline's graph names only its own function, service and queues."
  }

  assert {
    condition = alltrue([for k in ["checksum", "metadata", "compress"] : toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for row in try(w.properties.metrics, []) : "${row[1]} ${row[4].stat}" if can(tostring(row[0])) && contains(["Duration", "EventLag"], try(row[1], ""))
      ] if w.type == "metric" && startswith(try(w.properties.title, ""), "${k}: ")
    ])) == toset(["Duration p50", "Duration p99", "EventLag p99"])])
    error_message = "Duration is graphed at p50 and p99, event lag at p99."
  }

  # Bytes per second: math over the byte counts, whose ids it names.
  assert {
    condition = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      toset([for row in try(w.properties.metrics, []) : row[0].expression if !can(tostring(row[0]))]) == toset(["read/PERIOD(read)", "written/PERIOD(written)"]) &&
      toset([for row in try(w.properties.metrics, []) : row[4].id if can(tostring(row[0]))]) == toset(["read", "written"])
      if w.type == "metric" && endswith(try(w.properties.title, ""), ": Bytes per second")
    ])
    error_message = "Bytes per second divides BytesRead and BytesWritten by the period."
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w if w.type == "metric" && endswith(try(w.properties.title, ""), "Queue depth and oldest message (s)")]) == 1
    error_message = "Only the queue pipeline (checksum) has a queue depth graph."
  }

  # CloudWatch's grid is 24 wide; no two widgets may overlap.
  assert {
    condition = alltrue(flatten([
      for i, a in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : concat([a.x + a.width <= 24], [
        for j, b in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
        a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y if j > i
      ])
    ]))
    error_message = "Widgets must fit the 24-column grid without overlapping."
  }

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "tp-pipelines" && output.dashboard.url == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/tp-pipelines"
    error_message = "The dashboard is <project>-pipelines (the name the deploy role may manage) and the output links to it."
  }
}

run "backlog_alarms" {
  command = apply

  assert {
    condition = keys(aws_cloudwatch_metric_alarm.event_lag) == ["checksum", "compress", "metadata"] && alltrue([for k, a in aws_cloudwatch_metric_alarm.event_lag :
      a.namespace == module.functions[k].function.environment[0].variables.POWERTOOLS_METRICS_NAMESPACE && a.namespace == "s3-pipelines/tp" && a.metric_name == "EventLag" && a.extended_statistic == "p99" && a.threshold == 600000 &&
      a.dimensions == tomap({ service = module.functions[k].function.environment[0].variables.POWERTOOLS_SERVICE_NAME }) &&
      a.alarm_name == "tp-${k}-event-lag" && a.alarm_actions == toset([aws_sns_topic.alarms[0].arn])
    ])
    error_message = "Every pipeline alarms on its p99 event lag over 600 s by default, under the service its function emits, notifying the alarm topic."
  }

  assert {
    condition = keys(aws_cloudwatch_metric_alarm.oldest_message) == ["checksum"] && alltrue([for k, a in aws_cloudwatch_metric_alarm.oldest_message :
      a.namespace == "AWS/SQS" && a.metric_name == "ApproximateAgeOfOldestMessage" && a.threshold == 1800 &&
      a.dimensions == tomap({ QueueName = module.triggers["uploads"].queues[k].name }) && a.alarm_actions == toset([aws_sns_topic.alarms[0].arn])
    ])
    error_message = "Only queue pipelines alarm on the age of their queue's oldest message, 1800 s by default."
  }
}

run "backlog_alarm_thresholds_are_variables" {
  command = apply

  variables {
    alarm_thresholds       = { event_lag_p99_s = 120, oldest_message_age_s = 900 }
    alarms_without_actions = true
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.event_lag["metadata"].threshold == 120000 && aws_cloudwatch_metric_alarm.oldest_message["checksum"].threshold == 900
    error_message = "alarm_thresholds sets both thresholds (event lag in seconds, compared in milliseconds)."
  }

  assert {
    condition     = alltrue([for a in concat(values(aws_cloudwatch_metric_alarm.event_lag), values(aws_cloudwatch_metric_alarm.oldest_message)) : length(a.alarm_actions) == 0])
    error_message = "alarms_without_actions applies to the backlog alarms too."
  }
}

run "backlog_alarm_thresholds_are_checked" {
  command = plan

  variables {
    alarm_thresholds = { oldest_message_age_s = 30 }
  }

  expect_failures = [var.alarm_thresholds]
}
