# Wiring of all four functions with a mocked AWS provider (no credentials, no
# network). Bucket names and the account are pinned so assertions can name them.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.buckets["uploads"].aws_s3_bucket.this
  values = { id = "t-uploads-x", bucket = "t-uploads-x", arn = "arn:aws:s3:::t-uploads-x" }
}

override_resource {
  target = module.buckets["reports"].aws_s3_bucket.this
  values = { id = "t-reports-x", bucket = "t-reports-x", arn = "arn:aws:s3:::t-reports-x" }
}

override_resource {
  target = module.buckets["inbox"].aws_s3_bucket.this
  values = { id = "t-inbox-x", bucket = "t-inbox-x", arn = "arn:aws:s3:::t-inbox-x" }
}

override_resource {
  target = module.buckets["images"].aws_s3_bucket.this
  values = { id = "t-images-x", bucket = "t-images-x", arn = "arn:aws:s3:::t-images-x" }
}

override_resource {
  target = module.functions["metadata"].aws_sqs_queue.dlq
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-metadata-async-dlq" }
}

override_resource {
  target = module.functions["compress"].aws_sqs_queue.dlq
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-compress-async-dlq" }
}

override_resource {
  target = module.triggers["uploads"].aws_sqs_queue.this["checksum"]
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tp-checksum" }
}

override_resource {
  target = module.triggers["uploads"].aws_sqs_queue.dlq["checksum"]
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum-dlq" }
}

override_resource {
  target = module.triggers["uploads"].aws_sqs_queue.rule_dlq["checksum"]
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum-rule-dlq", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tp-checksum-rule-dlq" }
}

override_resource {
  target = module.triggers["uploads"].aws_sqs_queue.this["image-resize"]
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-image-resize", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tp-image-resize" }
}

override_resource {
  target = module.triggers["uploads"].aws_sqs_queue.dlq["image-resize"]
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-image-resize-dlq" }
}

override_resource {
  target = module.layers["s3-stream"].aws_lambda_layer_version.this
  values = { arn = "arn:aws:lambda:eu-west-1:123456789012:layer:tp-s3-stream:1" }
}

override_resource {
  target = module.layers["sharp-x86_64"].aws_lambda_layer_version.this
  values = { arn = "arn:aws:lambda:eu-west-1:123456789012:layer:tp-sharp-x86_64:1" }
}

variables {
  project       = "tp"
  region        = "eu-west-1"
  artifacts_dir = "tests/fixtures/artifacts"
  buckets = {
    uploads = {}
    reports = { force_destroy = true }
    inbox   = {}
    images  = { kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222" }
  }
  pipelines = {
    checksum = {
      function      = "checksum"
      source_bucket = "uploads"
      delivery      = "queue"
      settings      = { EXTRA_ALGORITHMS = "sha256" }
    }
    metadata = {
      function      = "metadata"
      source_bucket = "uploads"
      output_bucket = "reports"
      output_prefix = "metadata/"
      delivery      = "direct"
      max_retries   = 1
      consumes      = ["checksum"]
    }
    compress = {
      function      = "compress"
      source_bucket = "inbox"
      prefix        = "incoming/"
      output_prefix = "processed/"
      settings      = { FORMAT = "gzip" }
      timeout_s     = 600
    }
    image-resize = {
      function        = "image-resize"
      source_bucket   = "uploads"
      prefix          = "photos/"
      suffix          = ".jpg"
      output_bucket   = "images"
      output_prefix   = "resized/"
      delivery        = "queue"
      architecture    = "x86_64"
      batch_size      = 50
      max_concurrency = 25
    }
  }
}

run "direct_notifications" {
  command = apply

  assert {
    condition     = length(module.triggers) == 2 && contains(keys(module.triggers), "uploads") && contains(keys(module.triggers), "inbox")
    error_message = "Expected one trigger module (one bucket notification) per source bucket: uploads and inbox."
  }

  assert {
    condition = jsonencode([for f in module.triggers["uploads"].notification.lambda_function : {
      id = f.id, events = f.events, prefix = f.filter_prefix, suffix = f.filter_suffix, arn = f.lambda_function_arn
      }]) == jsonencode([{
      id = "metadata", events = ["s3:ObjectCreated:*"], prefix = null, suffix = null, arn = module.functions["metadata"].target_arn
    }])
    error_message = "uploads must notify exactly the metadata pipeline (its live alias) on ObjectCreated:* with no filter."
  }

  assert {
    condition     = module.triggers["uploads"].notification.eventbridge == true && module.triggers["inbox"].notification.eventbridge == false
    error_message = "eventbridge must be on exactly for buckets with queue pipelines (uploads), off for inbox."
  }

  assert {
    condition = jsonencode([for f in module.triggers["inbox"].notification.lambda_function : {
      id = f.id, events = f.events, prefix = f.filter_prefix, suffix = f.filter_suffix
    }]) == jsonencode([{ id = "compress", events = ["s3:ObjectCreated:*"], prefix = "incoming/", suffix = null }])
    error_message = "inbox must notify compress on ObjectCreated:* filtered by prefix incoming/."
  }

  assert {
    condition     = module.triggers["uploads"].notification.bucket == "t-uploads-x"
    error_message = "The notification must be on the uploads bucket."
  }
}

run "lambda_permissions" {
  command = apply

  assert {
    condition     = keys(module.triggers["uploads"].permissions) == ["metadata"] && keys(module.triggers["inbox"].permissions) == ["compress"]
    error_message = "Only direct pipelines get an S3 invoke permission."
  }

  assert {
    condition = alltrue([for b, t in module.triggers : alltrue([for k, p in t.permissions :
      p.principal == "s3.amazonaws.com" && p.source_account == "123456789012" && p.action == "lambda:InvokeFunction" && p.qualifier == "live"
    ])])
    error_message = "Every S3 permission needs principal s3.amazonaws.com, source_account, InvokeFunction and the live qualifier."
  }

  assert {
    condition     = module.triggers["uploads"].permissions["metadata"].source_arn == "arn:aws:s3:::t-uploads-x" && module.triggers["inbox"].permissions["compress"].source_arn == "arn:aws:s3:::t-inbox-x"
    error_message = "source_arn must be the pipeline's source bucket."
  }
}

run "async_retries_and_dlq" {
  command = apply

  assert {
    condition     = module.functions["metadata"].event_invoke_config.maximum_retry_attempts == 1 && module.functions["compress"].event_invoke_config.maximum_retry_attempts == 2
    error_message = "max_retries must reach the async invoke config (metadata 1, default 2)."
  }

  assert {
    condition     = alltrue([for k in ["metadata", "compress"] : module.functions[k].event_invoke_config.maximum_event_age_in_seconds == 3600 && module.functions[k].event_invoke_config.qualifier == "live"])
    error_message = "Every direct function's async config must keep events at most 3600 s and apply to the live alias."
  }

  assert {
    condition = alltrue([for k in ["metadata", "compress"] :
      module.functions[k].event_invoke_config.destination_config[0].on_failure[0].destination == module.functions[k].dlq.arn
    ])
    error_message = "Every direct function's on-failure destination must be its own DLQ."
  }

  assert {
    condition     = alltrue([for k in ["metadata", "compress"] : module.functions[k].dlq.sqs_managed_sse_enabled && module.functions[k].dlq.name == "tp-${k}-async-dlq"])
    error_message = "Every direct function has its own encrypted async DLQ."
  }

  assert {
    condition     = alltrue([for k in ["metadata", "compress"] : length(module.functions[k].alarms) == 4 && module.functions[k].alarms["dlq_depth"].dimensions.QueueName == module.functions[k].dlq.name])
    error_message = "Every direct function needs Errors, Throttles, DLQ-depth and permanent-failure alarms."
  }

  # Queue functions are invoked by their event source mapping, never
  # asynchronously: an async DLQ there would never receive anything.
  assert {
    condition = alltrue([for k in ["checksum", "image-resize"] :
      module.functions[k].event_invoke_config == null && module.functions[k].dlq == null && module.functions[k].dlq_url == null &&
      output.functions[k].dlq_url == null && jsonencode(sort(keys(module.functions[k].alarms))) == jsonencode(["errors", "permanent_failures", "throttles"])
    ])
    error_message = "Queue functions have no async DLQ, no event invoke config and no DLQ-depth alarm of their own (their queue's DLQ has the alarm)."
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.alarms["permanent_failures"].namespace == "s3-pipelines/tp-${k}" && f.permanent_failure_filter.pattern == "{ ($.level = \"ERROR\") && ($.retryable IS FALSE) }"])
    error_message = "Every function needs a permanent-failure alarm fed by its own log lines."
  }
}

run "undelivered_events_are_dead_lettered" {
  command = apply

  assert {
    condition = (
      module.triggers["uploads"].targets["checksum"].dead_letter_config[0].arn == module.triggers["uploads"].rule_dlqs["checksum"].arn &&
      module.triggers["uploads"].targets["checksum"].retry_policy[0].maximum_event_age_in_seconds == 86400 &&
      module.triggers["uploads"].targets["checksum"].retry_policy[0].maximum_retry_attempts == 185
    )
    error_message = "A queue rule's target retries for up to 24 h / 185 attempts, then sends the event to the rule's own dead-letter queue."
  }

  assert {
    condition     = alltrue([for k in ["checksum", "image-resize"] : module.triggers["uploads"].rule_dlqs[k].name == "tp-${k}-rule-dlq" && module.triggers["uploads"].rule_dlqs[k].sqs_managed_sse_enabled && module.triggers["uploads"].targets[k].dead_letter_config[0].arn == module.triggers["uploads"].rule_dlqs[k].arn])
    error_message = "Every queue pipeline has its own encrypted rule dead-letter queue."
  }

  assert {
    condition = (
      module.triggers["uploads"].alarms["checksum/rule_dlq"].dimensions.QueueName == "tp-checksum-rule-dlq" &&
      module.triggers["uploads"].alarms["checksum/failed_invocations"].namespace == "AWS/Events" &&
      module.triggers["uploads"].alarms["checksum/failed_invocations"].metric_name == "FailedInvocations" &&
      module.triggers["uploads"].alarms["checksum/failed_invocations"].dimensions.RuleName == "tp-checksum" &&
      module.triggers["uploads"].alarms["checksum/dlq"].dimensions.QueueName == "tp-checksum-dlq" &&
      length(module.triggers["uploads"].alarms) == 6 && length(module.triggers["inbox"].alarms) == 0
    )
    error_message = "Every queue pipeline alarms on its DLQ, its rule's dead-letter queue and the rule's failed invocations."
  }

  assert {
    condition     = output.queues["checksum"].rule_dlq_url == module.triggers["uploads"].rule_dlqs["checksum"].url
    error_message = "The queues output names each rule's dead-letter queue, for redriving."
  }
}

run "runaway_protection" {
  command = apply

  assert {
    condition     = alltrue([for k, f in module.functions : f.recursion_config.recursive_loop == "Terminate" && f.recursion_config.function_name == f.name])
    error_message = "Every function stops a recursive loop Lambda detects (recursive_loop = Terminate)."
  }

  assert {
    condition = (
      module.triggers["uploads"].event_source_mappings["checksum"].scaling_config[0].maximum_concurrency == 10 &&
      module.triggers["uploads"].event_source_mappings["image-resize"].scaling_config[0].maximum_concurrency == 25
    )
    error_message = "Queue mappings are capped at max_concurrency (default 10)."
  }
}

run "queue_concurrency_never_above_reserved" {
  command = apply

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", delivery = "queue", reserved_concurrency = 4 }
      big      = { function = "checksum", source_bucket = "inbox", delivery = "queue", reserved_concurrency = 500, max_concurrency = 200 }
    }
  }

  assert {
    condition = (
      module.triggers["uploads"].event_source_mappings["checksum"].scaling_config[0].maximum_concurrency == 4 &&
      module.triggers["inbox"].event_source_mappings["big"].scaling_config[0].maximum_concurrency == 200
    )
    error_message = "A mapping's maximum concurrency is min(max_concurrency, reserved_concurrency): above reserved, messages are throttled towards the DLQ."
  }
}

run "roles_get_the_permissions_boundary" {
  command = apply

  assert {
    condition     = alltrue([for k, f in module.functions : f.role.permissions_boundary == "arn:aws:iam::123456789012:policy/tp-boundary"])
    error_message = "Every role gets the boundary named <project>-boundary in the deploying account by default."
  }

  assert {
    condition     = output.permissions_boundary == "arn:aws:iam::123456789012:policy/tp-boundary"
    error_message = "The permissions_boundary output names the boundary."
  }
}

run "permissions_boundary_by_arn" {
  command = apply

  variables {
    permissions_boundary = "arn:aws:iam::123456789012:policy/teams/{project}-cap"
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.role.permissions_boundary == "arn:aws:iam::123456789012:policy/teams/tp-cap"])
    error_message = "A boundary given as an ARN is used as it is, {project} replaced."
  }
}

run "permissions_boundary_opt_out" {
  command = apply

  variables {
    permissions_boundary = null
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.role.permissions_boundary == null]) && startswith(output.permissions_boundary, "none: ")
    error_message = "permissions_boundary = null creates roles without a boundary, and the output says so."
  }
}

run "permissions_boundary_must_be_a_policy" {
  command = plan

  variables {
    permissions_boundary = "arn:aws:iam::123456789012:role/not-a-policy"
  }

  expect_failures = [var.permissions_boundary]
}

run "protected_from_destroy_by_default" {
  command = apply

  assert {
    condition     = alltrue([for k, f in module.functions : f.log_group.skip_destroy])
    error_message = "By default (protect_from_destroy = true) destroy keeps every log group."
  }

  assert {
    condition     = alltrue([for k, b in module.buckets : b.bucket.force_destroy == false]) && module.artifacts_bucket.bucket.force_destroy
    error_message = "By default no data bucket is force-destroyed, not even one with force_destroy = true (reports); the artifacts bucket holds only build output."
  }

  assert {
    condition     = startswith(output.destroy_protection, "protect_from_destroy = true")
    error_message = "The destroy_protection output says what a destroy keeps."
  }
}

run "destroy_unprotected" {
  command = apply

  variables {
    protect_from_destroy = false
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.log_group.skip_destroy == false])
    error_message = "protect_from_destroy = false lets destroy delete the log groups."
  }

  assert {
    condition     = module.buckets["reports"].bucket.force_destroy && !module.buckets["uploads"].bucket.force_destroy
    error_message = "protect_from_destroy = false gives force_destroy to exactly the buckets that ask for it."
  }
}

run "functions" {
  command = apply

  assert {
    condition = alltrue([for k, f in module.functions :
      f.function.runtime == "nodejs22.x" && f.function.handler == "index.handler" &&
      f.function.logging_config[0].log_format == "JSON" && f.function.function_name == "tp-${k}"
    ])
    error_message = "Functions run nodejs22.x index.handler with JSON logs, named <project>-<pipeline>."
  }

  assert {
    condition     = module.functions["image-resize"].function.architectures == tolist(["x86_64"]) && module.functions["checksum"].function.architectures == tolist(["arm64"])
    error_message = "architecture must default to arm64 and follow the pipeline."
  }

  assert {
    condition     = module.functions["compress"].function.timeout == 600 && module.functions["compress"].function.memory_size == 512
    error_message = "timeout/memory must follow the pipeline (defaults 512 MB)."
  }

  assert {
    condition = module.functions["checksum"].function.environment[0].variables == tomap({
      OUTPUT_BUCKET                = "t-uploads-x"
      OUTPUT_PREFIX                = ""
      TRIGGER_PREFIX               = ""
      TRIGGER_SUFFIX               = ""
      POWERTOOLS_SERVICE_NAME      = "checksum"
      POWERTOOLS_LOG_LEVEL         = "INFO"
      POWERTOOLS_METRICS_NAMESPACE = "s3-pipelines/tp"
      EXTRA_ALGORITHMS             = "sha256"
    })
    error_message = "checksum environment: output is the source bucket, settings passed verbatim."
  }

  assert {
    condition = module.functions["image-resize"].function.environment[0].variables == tomap({
      OUTPUT_BUCKET                = "t-images-x"
      OUTPUT_PREFIX                = "resized/"
      TRIGGER_PREFIX               = "photos/"
      TRIGGER_SUFFIX               = ".jpg"
      POWERTOOLS_SERVICE_NAME      = "image-resize"
      POWERTOOLS_LOG_LEVEL         = "INFO"
      POWERTOOLS_METRICS_NAMESPACE = "s3-pipelines/tp"
    })
    error_message = "image-resize environment must name the output bucket and prefix and its trigger."
  }

  assert {
    condition     = module.functions["compress"].function.environment[0].variables.FORMAT == "gzip" && module.functions["compress"].function.environment[0].variables.OUTPUT_BUCKET == "t-inbox-x"
    error_message = "compress without output_bucket writes to its source bucket; FORMAT passes through."
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.alias.name == "live" && f.alias.function_version == f.function.version])
    error_message = "Every published function gets a live alias on its latest version."
  }

  assert {
    condition     = module.functions["metadata"].log_group.retention_in_days == 30 && module.functions["metadata"].log_group.name == "/aws/lambda/tp-metadata"
    error_message = "Log group /aws/lambda/<name> with the configured retention."
  }
}

run "layers" {
  command = apply

  assert {
    condition     = jsonencode(sort(keys(module.layers))) == jsonencode(["s3-stream", "sharp-x86_64"])
    error_message = "Publish s3-stream plus only the sharp layer for the architecture image-resize uses."
  }

  assert {
    condition     = module.functions["image-resize"].function.layers == tolist([module.layers["s3-stream"].arn, module.layers["sharp-x86_64"].arn])
    error_message = "image-resize gets s3-stream and sharp-x86_64, in that order."
  }

  assert {
    condition     = alltrue([for k in ["checksum", "metadata", "compress"] : module.functions[k].function.layers == tolist([module.layers["s3-stream"].arn])])
    error_message = "checksum, metadata and compress get only the s3-stream layer."
  }

  assert {
    condition = (
      module.layers["s3-stream"].layer_version.source_code_hash == filebase64sha256("tests/fixtures/artifacts/layers/s3-stream.zip") &&
      module.layers["s3-stream"].layer_version.s3_key == module.layers["s3-stream"].object.key &&
      module.layers["s3-stream"].object.source_hash == filemd5("tests/fixtures/artifacts/layers/s3-stream.zip") &&
      module.layers["sharp-x86_64"].layer_version.compatible_architectures == toset(["x86_64"]) &&
      module.layers["s3-stream"].layer_version.compatible_runtimes == toset(["nodejs22.x"])
    )
    error_message = "Layers publish from the uploaded S3 object, hashed by content, for nodejs22.x and the right architectures."
  }
}

run "queue_delivery" {
  command = apply

  assert {
    condition = jsondecode(module.triggers["uploads"].rules["checksum"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["t-uploads-x"] }
        object = { key = [{ "anything-but" = { suffix = ".md5" } }] }
      }
    }
    error_message = "checksum (queue, no filters, outputs in its source bucket) must exclude its own .md5 outputs with anything-but."
  }

  assert {
    condition = jsondecode(module.triggers["uploads"].rules["image-resize"].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["t-uploads-x"] }
        object = { key = [{ wildcard = "photos/*.jpg" }] }
      }
    }
    error_message = "image-resize (queue, prefix photos/, suffix .jpg) must match with a wildcard photos/*.jpg."
  }

  assert {
    condition = jsondecode(module.triggers["uploads"].queues["checksum"].redrive_policy) == {
      deadLetterTargetArn = module.triggers["uploads"].queue_dlqs["checksum"].arn
      maxReceiveCount     = 5
    }
    error_message = "The queue must redrive to its own DLQ after 5 receives."
  }

  assert {
    condition = (
      module.triggers["uploads"].queues["checksum"].visibility_timeout_seconds == 1800 &&
      module.triggers["uploads"].queues["checksum"].sqs_managed_sse_enabled &&
      module.triggers["uploads"].queue_dlqs["checksum"].sqs_managed_sse_enabled &&
      module.triggers["uploads"].queues["checksum"].name == "tp-checksum"
    )
    error_message = "The queue is encrypted, named <project>-<pipeline>, with visibility timeout 6x the function timeout."
  }

  assert {
    condition = (
      module.triggers["uploads"].event_source_mappings["checksum"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      module.triggers["uploads"].event_source_mappings["checksum"].batch_size == 10 &&
      module.triggers["uploads"].event_source_mappings["checksum"].maximum_batching_window_in_seconds == 0 &&
      module.triggers["uploads"].event_source_mappings["image-resize"].batch_size == 50 &&
      module.triggers["uploads"].event_source_mappings["image-resize"].maximum_batching_window_in_seconds == 1 &&
      module.triggers["uploads"].event_source_mappings["checksum"].event_source_arn == module.triggers["uploads"].queues["checksum"].arn &&
      module.triggers["uploads"].event_source_mappings["checksum"].function_name == module.functions["checksum"].target_arn
    )
    error_message = "The event source mapping reads its own queue into the live alias with ReportBatchItemFailures and the batch settings."
  }

  assert {
    condition     = module.triggers["uploads"].targets["checksum"].arn == module.triggers["uploads"].queues["checksum"].arn && module.triggers["uploads"].targets["checksum"].rule == module.triggers["uploads"].rules["checksum"].name
    error_message = "Each rule targets its own queue."
  }

  assert {
    condition     = length(module.triggers["inbox"].queues) == 0 && length(module.triggers["inbox"].rules) == 0
    error_message = "Direct-only buckets get no queues or rules."
  }
}

run "no_network_by_default" {
  command = apply

  assert {
    condition     = length(module.network) == 0 && alltrue([for k, f in module.functions : length(f.function.vpc_config) == 0 && f.vpc_policy_json == null])
    error_message = "Without network.create there is no VPC, vpc_config or ENI policy."
  }
}

run "network" {
  command = apply

  variables {
    network = { create = true, azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }

  assert {
    condition     = length(module.network[0].subnet_ids) == 3 && module.network[0].s3_endpoint.vpc_endpoint_type == "Gateway" && module.network[0].s3_endpoint.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "A private subnet per AZ and an S3 gateway endpoint."
  }

  assert {
    condition = alltrue([for k, f in module.functions :
      toset(f.function.vpc_config[0].subnet_ids) == toset(module.network[0].subnet_ids) &&
      f.function.vpc_config[0].security_group_ids == toset([module.network[0].security_group_id]) &&
      f.vpc_policy_json != null
    ])
    error_message = "With network.create every function runs in the private subnets with the functions' security group."
  }

  assert {
    condition     = module.network[0].egress_rule.from_port == 443 && module.network[0].egress_rule.prefix_list_id == module.network[0].s3_endpoint.prefix_list_id
    error_message = "Functions may only send HTTPS to the S3 prefix list."
  }

  assert {
    condition = (
      module.network[0].default_security_group.vpc_id == output.network.vpc_id &&
      length(module.network[0].default_security_group.ingress) == 0 &&
      length(module.network[0].default_security_group.egress) == 0
    )
    error_message = "The VPC's default security group is closed: no ingress, no egress."
  }
}

run "alarms_notify_created_topic_by_default" {
  command = apply

  assert {
    condition     = length(aws_sns_topic.alarms) == 1 && aws_sns_topic.alarms[0].name == "tp-alarms"
    error_message = "Without alarm_topic_arn and without the opt-out, the configuration creates <project>-alarms."
  }

  assert {
    condition = alltrue(concat(
      [for k, f in module.functions : alltrue([for a in values(f.alarms) : a.alarm_actions == toset([aws_sns_topic.alarms[0].arn])])],
      [for b, t in module.triggers : alltrue([for a in values(t.alarms) : a.alarm_actions == toset([aws_sns_topic.alarms[0].arn])])],
    ))
    error_message = "Every alarm (functions and queues) must notify the created topic."
  }

  assert {
    condition     = startswith(output.alarm_notifications, "Alarms notify arn:aws:sns:eu-west-1:123456789012:tp-alarms, created by this configuration")
    error_message = "The alarm_notifications output says where alarms go. Got: ${output.alarm_notifications}"
  }
}

run "alarms_without_actions_is_an_explicit_opt_out" {
  command = apply

  variables {
    alarms_without_actions = true
  }

  assert {
    condition = length(aws_sns_topic.alarms) == 0 && alltrue(concat(
      [for k, f in module.functions : alltrue([for a in values(f.alarms) : length(a.alarm_actions) == 0])],
      [for b, t in module.triggers : alltrue([for a in values(t.alarms) : length(a.alarm_actions) == 0])],
    ))
    error_message = "alarms_without_actions = true: no topic, alarms without actions."
  }

  assert {
    condition     = startswith(output.alarm_notifications, "Alarms notify NO ONE")
    error_message = "The plan output must say that alarms reach no one. Got: ${output.alarm_notifications}"
  }
}

run "alarm_topic_and_opt_out_contradict" {
  command = plan

  variables {
    alarms_without_actions = true
    alarm_topic_arn        = "arn:aws:sns:eu-west-1:123456789012:ops"
  }

  expect_failures = [var.alarms_without_actions]
}

run "alarms_notify_topic" {
  command = apply

  variables {
    alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops"
  }

  assert {
    condition = alltrue([for k, f in module.functions : alltrue([for a in values(f.alarms) :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:ops"]) && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold"
    ])])
    error_message = "Every function alarm must notify the alarm topic when any error, throttle or DLQ message appears."
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && alltrue([for b, t in module.triggers : alltrue([for a in values(t.alarms) : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:ops"])])])
    error_message = "With alarm_topic_arn no topic is created and the queue alarms notify the given one."
  }

  assert {
    condition     = alltrue([for k in ["errors", "throttles"] : module.functions["metadata"].alarms[k].dimensions.FunctionName == "tp-metadata"]) && module.functions["metadata"].alarms["errors"].metric_name == "Errors" && module.functions["metadata"].alarms["throttles"].metric_name == "Throttles"
    error_message = "Errors and Throttles alarms watch their own function."
  }
}
