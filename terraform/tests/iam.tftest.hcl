# IAM and resource policies rendered by the REAL aws provider's
# aws_iam_policy_document (it renders locally). No credentials and no network:
# plan only, with every computed name/ARN the policies use overridden at plan time.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values          = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/test", id = "123456789012", user_id = "TEST" }
}

override_resource {
  target          = module.buckets["uploads"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "t-uploads-x", bucket = "t-uploads-x", arn = "arn:aws:s3:::t-uploads-x" }
}

override_resource {
  target          = module.buckets["reports"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "t-reports-x", bucket = "t-reports-x", arn = "arn:aws:s3:::t-reports-x" }
}

override_resource {
  target          = module.buckets["inbox"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "t-inbox-x", bucket = "t-inbox-x", arn = "arn:aws:s3:::t-inbox-x" }
}

override_resource {
  target          = module.buckets["images"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "t-images-x", bucket = "t-images-x", arn = "arn:aws:s3:::t-images-x" }
}

override_resource {
  target          = module.functions["checksum"].aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-checksum" }
}

override_resource {
  target          = module.functions["checksum"].aws_sqs_queue.dlq
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum-async-dlq" }
}

override_resource {
  target          = module.functions["metadata"].aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-metadata" }
}

override_resource {
  target          = module.functions["metadata"].aws_sqs_queue.dlq
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-metadata-async-dlq" }
}

override_resource {
  target          = module.functions["compress"].aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-compress" }
}

override_resource {
  target          = module.functions["compress"].aws_sqs_queue.dlq
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-compress-async-dlq" }
}

override_resource {
  target          = module.functions["image-resize"].aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-image-resize" }
}

override_resource {
  target          = module.functions["image-resize"].aws_sqs_queue.dlq
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-image-resize-async-dlq" }
}

override_resource {
  target          = module.triggers["uploads"].aws_sqs_queue.this["checksum"]
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tp-checksum" }
}

override_resource {
  target          = module.triggers["uploads"].aws_cloudwatch_event_rule.this["checksum"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:123456789012:rule/tp-checksum" }
}

override_resource {
  target          = module.triggers["uploads"].aws_sqs_queue.this["image-resize"]
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:tp-image-resize", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tp-image-resize" }
}

override_resource {
  target          = module.triggers["uploads"].aws_cloudwatch_event_rule.this["image-resize"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:123456789012:rule/tp-image-resize" }
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
      function      = "image-resize"
      source_bucket = "uploads"
      prefix        = "photos/"
      suffix        = ".jpg"
      output_bucket = "images"
      output_prefix = "resized/"
      delivery      = "queue"
      architecture  = "x86_64"
      batch_size    = 50
    }
  }
}

run "checksum_policy" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["checksum"].policy_json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      WriteOwnLogs    = { effect = "Allow", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-checksum:*"], condition = null }
      SendToOwnDlq    = { effect = "Allow", actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-checksum-async-dlq"], condition = null }
      ReadSource      = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::t-uploads-x/*"], condition = null }
      WriteOutput     = { effect = "Allow", actions = ["s3:PutObject"], resources = ["arn:aws:s3:::t-uploads-x/*"], condition = null }
      ListSource      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "*" } } }
      ConsumeOwnQueue = { effect = "Allow", actions = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-checksum"], condition = null }
    })
    error_message = "checksum may read its source prefix, write .md5 sidecars there, list it (prefix-conditioned), log to its own group, use its own DLQ and queue - nothing else. Got: ${module.functions["checksum"].policy_json}"
  }
}

run "metadata_policy" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["metadata"].policy_json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      WriteOwnLogs = { effect = "Allow", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-metadata:*"], condition = null }
      SendToOwnDlq = { effect = "Allow", actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-metadata-async-dlq"], condition = null }
      ReadSource   = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectAttributes", "s3:GetObjectVersion", "s3:GetObjectVersionAttributes"], resources = ["arn:aws:s3:::t-uploads-x/*"], condition = null }
      WriteOutput  = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::t-reports-x/metadata/*"], condition = null }
      ListSource   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "*" } } }
      ListOutput   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-reports-x"], condition = { StringLikeIfExists = { "s3:prefix" = "metadata/*" } } }
    })
    error_message = "metadata may read (incl. attributes) and list its source, write/head/list only reports/metadata/, log to its own group and use its own DLQ - nothing else. Got: ${module.functions["metadata"].policy_json}"
  }
}

run "compress_policy" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["compress"].policy_json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      WriteOwnLogs = { effect = "Allow", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-compress:*"], condition = null }
      SendToOwnDlq = { effect = "Allow", actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-compress-async-dlq"], condition = null }
      ReadSource   = { effect = "Allow", actions = ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::t-inbox-x/incoming/*"], condition = null }
      WriteOutput  = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::t-inbox-x/processed/*"], condition = null }
      ListSource   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-inbox-x"], condition = { StringLikeIfExists = { "s3:prefix" = "incoming/*" } } }
      ListOutput   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-inbox-x"], condition = { StringLikeIfExists = { "s3:prefix" = "processed/*" } } }
    })
    error_message = "compress may read, delete and list under incoming/, write/abort/head/list under processed/, log and use its own DLQ - nothing else. Got: ${module.functions["compress"].policy_json}"
  }
}

run "image_resize_policy" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["image-resize"].policy_json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      WriteOwnLogs    = { effect = "Allow", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-image-resize:*"], condition = null }
      SendToOwnDlq    = { effect = "Allow", actions = ["sqs:SendMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-image-resize-async-dlq"], condition = null }
      ReadSource      = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::t-uploads-x/photos/*"], condition = null }
      WriteOutput     = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::t-images-x/resized/*"], condition = null }
      ListSource      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "photos/*" } } }
      ListOutput      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::t-images-x"], condition = { StringLikeIfExists = { "s3:prefix" = "resized/*" } } }
      UseBucketKeys   = { effect = "Allow", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = ["arn:aws:kms:eu-west-1:123456789012:key/1111-2222"], condition = null }
      ConsumeOwnQueue = { effect = "Allow", actions = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-image-resize"], condition = null }
    })
    error_message = "image-resize may read and list photos/ in uploads, write/head/list under resized/ in images, use the images KMS key, its own log group, DLQ and queue - nothing else. Got: ${module.functions["image-resize"].policy_json}"
  }
}

run "no_wildcards_in_function_policies" {
  command = plan

  assert {
    condition = alltrue(flatten([for k, f in module.functions : [for s in jsondecode(f.policy_json).Statement : [
      s.Effect == "Allow",
      alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")]),
      alltrue([for r in flatten([s.Resource]) : r != "*" && !startswith(r, "arn:aws:s3:::*")]),
    ]]]))
    error_message = "Function policies must only Allow, with no wildcard action and no \"*\" resource."
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.vpc_policy_json == null])
    error_message = "Without a VPC there must be no ENI policy (the only statement that needs Resource \"*\")."
  }
}

run "queue_policy_conditioned_on_rule" {
  command = plan

  assert {
    condition = jsonencode([for s in jsondecode(module.triggers["uploads"].queue_policy_json["checksum"]).Statement : {
      effect = s.Effect, action = s.Action, resource = s.Resource, principal = s.Principal, condition = s.Condition
      }]) == jsonencode([{
      effect    = "Allow"
      action    = "sqs:SendMessage"
      resource  = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum"
      principal = { Service = "events.amazonaws.com" }
      condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:123456789012:rule/tp-checksum" } }
    }])
    error_message = "Only the pipeline's own EventBridge rule may send to its queue. Got: ${module.triggers["uploads"].queue_policy_json["checksum"]}"
  }

  assert {
    condition     = jsondecode(module.triggers["uploads"].queue_policy_json["image-resize"]).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:events:eu-west-1:123456789012:rule/tp-image-resize"
    error_message = "Each queue policy names its own rule."
  }
}

run "s3_endpoint_only_project_buckets" {
  command = plan

  variables {
    network = { create = true }
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.network[0].s3_endpoint_policy_json).Statement : sort(flatten([s.Resource]))]) == jsonencode([sort([
      "arn:aws:s3:::t-images-x", "arn:aws:s3:::t-images-x/*", "arn:aws:s3:::t-inbox-x", "arn:aws:s3:::t-inbox-x/*",
      "arn:aws:s3:::t-reports-x", "arn:aws:s3:::t-reports-x/*", "arn:aws:s3:::t-uploads-x", "arn:aws:s3:::t-uploads-x/*",
    ])])
    error_message = "The S3 gateway endpoint policy must allow only the project's buckets. Got: ${module.network[0].s3_endpoint_policy_json}"
  }

  assert {
    condition     = alltrue([for a in flatten([jsondecode(module.network[0].s3_endpoint_policy_json).Statement[0].Action]) : startswith(a, "s3:") && !strcontains(a, "*")])
    error_message = "The endpoint policy lists explicit S3 actions only."
  }

  assert {
    condition     = alltrue([for k, f in module.functions : jsondecode(f.vpc_policy_json).Statement[0].Sid == "ManageVpcNetworkInterfaces" && length(jsondecode(f.vpc_policy_json).Statement) == 1])
    error_message = "With a VPC each function gets the one ENI statement, in its own policy."
  }
}

# The committed dev environment, as written, with the real provider.
run "dev_env_policies" {
  command = plan

  variables {
    project   = "tp"
    buckets   = jsondecode(file("envs/dev.tfvars.json")).buckets
    pipelines = jsondecode(file("envs/dev.tfvars.json")).pipelines
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["metadata"].policy_json).Statement : s.Sid => sort(flatten([s.Resource])) }) == jsonencode({
      WriteOwnLogs = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-metadata:*"]
      SendToOwnDlq = ["arn:aws:sqs:eu-west-1:123456789012:tp-metadata-async-dlq"]
      ReadSource   = ["arn:aws:s3:::t-uploads-x/*"]
      WriteOutput  = ["arn:aws:s3:::t-reports-x/metadata/*"]
      ListSource   = ["arn:aws:s3:::t-uploads-x"]
      ListOutput   = ["arn:aws:s3:::t-reports-x"]
    })
    error_message = "dev metadata reads uploads and writes only reports/metadata/. Got: ${module.functions["metadata"].policy_json}"
  }

  assert {
    condition     = [for s in jsondecode(module.functions["checksum"].policy_json).Statement : s.Resource if s.Sid == "ConsumeOwnQueue"] == ["arn:aws:sqs:eu-west-1:123456789012:tp-checksum"]
    error_message = "dev checksum consumes exactly its own queue."
  }

  assert {
    condition     = jsondecode(module.triggers["uploads"].queue_policy_json["checksum"]).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:events:eu-west-1:123456789012:rule/tp-checksum"
    error_message = "dev checksum's queue accepts only its own rule."
  }
}
