locals {
  alias_name = "live"

  # Built from names (not resource attributes) so the policy renders at plan time.
  arn_prefix    = "arn:${var.context.partition}"
  log_group_arn = "${local.arn_prefix}:logs:${var.context.region}:${var.context.account_id}:log-group:/aws/lambda/${var.name}"
  dlq_name      = "${var.name}-async-dlq"
  dlq_arn       = "${local.arn_prefix}:sqs:${var.context.region}:${var.context.account_id}:${local.dlq_name}"
  ec2_arn       = "${local.arn_prefix}:ec2:${var.context.region}:${var.context.account_id}"

  # Only a function invoked asynchronously (S3 direct delivery) has retries, an
  # on-failure DLQ and its depth alarm; a queue function's failures stay in its
  # queue and go to that queue's DLQ (modules/trigger).
  async = var.async_invoke != null

  alarms = var.create_alarms ? merge({
    errors = {
      description = "${var.name}: the function reported errors."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      statistic   = "Sum"
      dimensions  = { FunctionName = var.name }
    }
    throttles = {
      description = "${var.name}: invocations were throttled."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      statistic   = "Sum"
      dimensions  = { FunctionName = var.name }
    }
    # Permanent failures (bad input) are logged and not retried, so they never reach Errors or
    # a DLQ; this metric, from the function's own log lines, is how someone hears about them.
    permanent_failures = {
      description = "${var.name}: objects failed permanently (not retried); see the ERROR log lines."
      namespace   = local.metric_namespace
      metric_name = "PermanentFailures"
      statistic   = "Sum"
      dimensions  = {}
    }
    }, local.async ? {
    dlq_depth = {
      description = "${var.name}: failed asynchronous events are waiting in the DLQ."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      dimensions  = { QueueName = local.dlq_name }
    }
  } : {}) : {}
  metric_namespace = "s3-pipelines/${var.name}"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  # true: `destroy` forgets the group instead of deleting it, so the logs of a
  # destroyed environment stay readable (a later apply must import it again).
  skip_destroy = var.retain_log_group
  tags         = var.tags
}

# Failed asynchronous invocations (after retries or when too old) land here.
resource "aws_sqs_queue" "dlq" {
  count = local.async ? 1 : 0

  name                      = local.dlq_name
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

# The DLQ and the event invoke config became optional (count): a direct
# pipeline keeps the ones it has, with their messages, instead of new ones.
moved {
  from = aws_sqs_queue.dlq
  to   = aws_sqs_queue.dlq[0]
}

moved {
  from = aws_lambda_function_event_invoke_config.this
  to   = aws_lambda_function_event_invoke_config.this[0]
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
  # Caps whatever policy this role is given, including by whoever holds the
  # deploy role (which may create roles only with this boundary).
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  dynamic "statement" {
    for_each = local.async ? { SendToOwnDlq = local.dlq_arn } : {}

    content {
      sid       = statement.key
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.s3_object_access

    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = [for key in statement.value.keys : "${statement.value.bucket_arn}/${key}"]
    }
  }

  dynamic "statement" {
    for_each = var.s3_list_access

    content {
      sid       = statement.key
      actions   = ["s3:ListBucket"]
      resources = [statement.value.bucket_arn]

      # IfExists: a ListObjects call must name a prefix under the pipeline's,
      # while the ListBucket check S3 makes to answer 404 (not 403) for a
      # HeadObject of a missing key carries no s3:prefix and still passes.
      condition {
        test     = "StringLikeIfExists"
        variable = "s3:prefix"
        values   = ["${statement.value.prefix}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? { UseBucketKeys = distinct(var.kms_key_arns) } : {}

    content {
      sid       = statement.key
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = statement.value

      # Only through S3: the key decrypts this function's objects, not
      # whatever else someone encrypted with it.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.context.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.queue == null ? {} : { ConsumeOwnQueue = var.queue.arn }

    content {
      sid       = statement.key
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# Lambda manages the function's network interfaces with the execution role.
# Creating one is scoped to the project's subnets and security groups, and
# deleting or re-addressing one to network interfaces of this account and
# region; the two Describe calls support no resource-level permission, the one
# documented exception to "no * resource". Kept out of the main policy so that
# policy stays wildcard-free. (The managed AWSLambdaVPCAccessExecutionRole would
# grant all of it on * and logs on every log group.)
data "aws_iam_policy_document" "vpc" {
  count = var.vpc == null ? 0 : 1

  statement {
    sid     = "CreateEnisInProjectSubnets"
    actions = ["ec2:CreateNetworkInterface"]
    resources = concat(
      ["${local.ec2_arn}:network-interface/*"],
      [for id in var.vpc.subnet_ids : "${local.ec2_arn}:subnet/${id}"],
      [for id in var.vpc.security_group_ids : "${local.ec2_arn}:security-group/${id}"],
    )
  }

  statement {
    sid       = "ManageEnis"
    actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    resources = ["${local.ec2_arn}:network-interface/*"]
  }

  statement {
    sid       = "DescribeEnis"
    actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "vpc" {
  count = var.vpc == null ? 0 : 1

  name   = "vpc-network-interfaces"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.vpc[0].json
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  filename                       = var.zip_path
  source_code_hash               = filebase64sha256(var.zip_path)
  handler                        = var.runtime.handler
  runtime                        = var.runtime.runtime
  architectures                  = [var.compute.architecture]
  memory_size                    = var.compute.memory_mb
  timeout                        = var.compute.timeout_s
  reserved_concurrent_executions = var.compute.reserved_concurrency
  layers                         = var.layers
  publish                        = var.publish
  tags                           = var.tags

  environment {
    variables = var.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? {} : { this = var.vpc }

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  depends_on = [
    aws_iam_role_policy.this,
    aws_iam_role_policy.vpc,
    aws_cloudwatch_log_group.this,
  ]
}

# `live` is what triggers invoke; rolling back = pointing it at an older version.
resource "aws_lambda_alias" "this" {
  count = var.publish ? 1 : 0

  name             = local.alias_name
  description      = "Version that triggers invoke. Roll back with aws lambda update-alias."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count = local.async ? 1 : 0

  function_name                = aws_lambda_function.this.function_name
  qualifier                    = var.publish ? aws_lambda_alias.this[0].name : null
  maximum_retry_attempts       = var.async_invoke.max_retries
  maximum_event_age_in_seconds = var.async_invoke.max_event_age_s

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dlq[0].arn
    }
  }
}

# Lambda stops a chain it sees going round (function -> S3 or SQS -> the same
# function) after about 16 invocations. Terminate is the default today; set
# here so that a console change cannot quietly allow loops.
resource "aws_lambda_function_recursion_config" "this" {
  function_name  = aws_lambda_function.this.function_name
  recursive_loop = var.recursive_loop
}

resource "aws_cloudwatch_log_metric_filter" "permanent_failures" {
  count = var.create_alarms ? 1 : 0

  name           = "${var.name}-permanent-failures"
  log_group_name = aws_cloudwatch_log_group.this.name
  # The shared handler logs every failure with `retryable`; false means it will not be retried.
  pattern = "{ ($.level = \"ERROR\") && ($.retryable IS FALSE) }"

  metric_transformation {
    name          = "PermanentFailures"
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = var.alarms.period_s
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms.topic_arn == null ? [] : [var.alarms.topic_arn]
  ok_actions          = var.alarms.topic_arn == null ? [] : [var.alarms.topic_arn]
  tags                = var.tags
}
