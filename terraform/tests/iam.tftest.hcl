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

# The permissions boundary is read at plan time; here it is the sample policy.
override_data {
  target          = data.aws_iam_policy.boundary
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:policy/tp-boundary" }
}

override_resource {
  target          = module.buckets["uploads"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "tp-uploads-x", bucket = "tp-uploads-x", arn = "arn:aws:s3:::tp-uploads-x" }
}

override_resource {
  target          = module.buckets["reports"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "tp-reports-x", bucket = "tp-reports-x", arn = "arn:aws:s3:::tp-reports-x" }
}

override_resource {
  target          = module.buckets["inbox"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "tp-inbox-x", bucket = "tp-inbox-x", arn = "arn:aws:s3:::tp-inbox-x" }
}

override_resource {
  target          = module.buckets["images"].aws_s3_bucket.this
  override_during = plan
  values          = { id = "tp-images-x", bucket = "tp-images-x", arn = "arn:aws:s3:::tp-images-x" }
}

override_resource {
  target          = module.batch_reports.aws_s3_bucket.this
  override_during = plan
  values          = { id = "tp-batch-reports-x", bucket = "tp-batch-reports-x", arn = "arn:aws:s3:::tp-batch-reports-x" }
}

override_resource {
  target          = module.functions["checksum"].aws_cloudwatch_log_group.this
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-checksum" }
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
      ReadSource      = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::tp-uploads-x/*"], condition = null }
      WriteOutput     = { effect = "Allow", actions = ["s3:PutObject"], resources = ["arn:aws:s3:::tp-uploads-x/*.md5"], condition = null }
      ListSource      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "*" } } }
      ConsumeOwnQueue = { effect = "Allow", actions = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-checksum"], condition = null }
    })
    error_message = "checksum (queue) may read its source prefix, write only .md5 sidecars there, list it (prefix-conditioned), log to its own group and consume its own queue - nothing else (no async DLQ). Got: ${module.functions["checksum"].policy_json}"
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
      ReadSource   = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectAttributes", "s3:GetObjectVersion", "s3:GetObjectVersionAttributes"], resources = ["arn:aws:s3:::tp-uploads-x/*"], condition = null }
      WriteOutput  = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::tp-reports-x/metadata/*.metadata.json"], condition = null }
      ListSource   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "*" } } }
      ListOutput   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-reports-x"], condition = { StringLikeIfExists = { "s3:prefix" = "metadata/*" } } }
    })
    error_message = "metadata may read (incl. attributes) and list its source, write/head only reports/metadata/*.metadata.json, list reports/metadata/, log to its own group and use its own DLQ - nothing else. Got: ${module.functions["metadata"].policy_json}"
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
      ReadSource   = { effect = "Allow", actions = ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::tp-inbox-x/incoming/*"], condition = null }
      WriteOutput  = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::tp-inbox-x/processed/*.gz"], condition = null }
      ListSource   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-inbox-x"], condition = { StringLikeIfExists = { "s3:prefix" = "incoming/*" } } }
      ListOutput   = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-inbox-x"], condition = { StringLikeIfExists = { "s3:prefix" = "processed/*" } } }
    })
    error_message = "compress (FORMAT=gzip) may read, delete and list under incoming/, write/abort/head only processed/*.gz, list processed/, log and use its own DLQ - nothing else. Got: ${module.functions["compress"].policy_json}"
  }
}

run "image_resize_policy" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.functions["image-resize"].policy_json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      WriteOwnLogs    = { effect = "Allow", actions = ["logs:CreateLogStream", "logs:PutLogEvents"], resources = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tp-image-resize:*"], condition = null }
      ReadSource      = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::tp-uploads-x/photos/*"], condition = null }
      WriteOutput     = { effect = "Allow", actions = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources = ["arn:aws:s3:::tp-images-x/resized/*/*", "arn:aws:s3:::tp-images-x/resized/photos/*.jpg.error.json"], condition = null }
      ListSource      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-uploads-x"], condition = { StringLikeIfExists = { "s3:prefix" = "photos/*" } } }
      ListOutput      = { effect = "Allow", actions = ["s3:ListBucket"], resources = ["arn:aws:s3:::tp-images-x"], condition = { StringLikeIfExists = { "s3:prefix" = "resized/*" } } }
      UseBucketKeys   = { effect = "Allow", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = ["arn:aws:kms:eu-west-1:123456789012:key/1111-2222"], condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } } }
      ConsumeOwnQueue = { effect = "Allow", actions = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], resources = ["arn:aws:sqs:eu-west-1:123456789012:tp-image-resize"], condition = null }
    })
    error_message = "image-resize (queue) may read and list photos/ in uploads, write/head only its renditions, manifests and error markers under resized/ in images, use the images KMS key through S3 only, its own log group and queue - nothing else. Got: ${module.functions["image-resize"].policy_json}"
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

  override_resource {
    target          = module.network[0].aws_subnet.private
    override_during = plan
    values          = { id = "subnet-0private" }
  }

  override_resource {
    target          = module.network[0].aws_security_group.this
    override_during = plan
    values          = { id = "sg-0functions" }
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.network[0].s3_endpoint_policy_json).Statement : sort(flatten([s.Resource]))]) == jsonencode([sort([
      "arn:aws:s3:::tp-images-x", "arn:aws:s3:::tp-images-x/*", "arn:aws:s3:::tp-inbox-x", "arn:aws:s3:::tp-inbox-x/*",
      "arn:aws:s3:::tp-reports-x", "arn:aws:s3:::tp-reports-x/*", "arn:aws:s3:::tp-uploads-x", "arn:aws:s3:::tp-uploads-x/*",
    ])])
    error_message = "The S3 gateway endpoint policy must allow only the project's buckets. Got: ${module.network[0].s3_endpoint_policy_json}"
  }

  assert {
    condition     = alltrue([for a in flatten([jsondecode(module.network[0].s3_endpoint_policy_json).Statement[0].Action]) : startswith(a, "s3:") && !strcontains(a, "*")])
    error_message = "The endpoint policy lists explicit S3 actions only."
  }

  assert {
    condition     = alltrue([for a in flatten([jsondecode(module.network[0].s3_endpoint_policy_json).Statement[0].Action]) : a != "s3:DeleteObjectVersion"])
    error_message = "No function deletes object versions, so the endpoint does not allow it."
  }

  assert {
    condition = alltrue([for k, f in module.functions : jsonencode({ for s in jsondecode(f.vpc_policy_json).Statement : s.Sid => {
      actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource]))
      } }) == jsonencode({
      CreateEnisInProjectSubnets = {
        actions = ["ec2:CreateNetworkInterface"]
        resources = sort([
          "arn:aws:ec2:eu-west-1:123456789012:network-interface/*", "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0functions",
          "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0private",
        ])
      }
      DescribeEnis = { actions = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], resources = ["*"] }
      ManageEnis   = { actions = ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"], resources = ["arn:aws:ec2:eu-west-1:123456789012:network-interface/*"] }
    })])
    error_message = "With a VPC, creating ENIs is scoped to the project's subnets and security group, managing them to this account's ENIs; only the two Describe calls (no resource-level permission) are on *. Got: ${module.functions["metadata"].vpc_policy_json}"
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
      ReadSource   = ["arn:aws:s3:::tp-uploads-x/*"]
      WriteOutput  = ["arn:aws:s3:::tp-reports-x/metadata/*.metadata.json"]
      ListSource   = ["arn:aws:s3:::tp-uploads-x"]
      ListOutput   = ["arn:aws:s3:::tp-reports-x"]
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

# Every function policy, the VPC one included, and every Batch role's fit inside the sample
# permissions boundary (policies/permissions-boundary.json, which docs/deploy.md
# shows): a boundary that missed an action would break the function at run time.
run "function_policies_fit_the_boundary" {
  command = plan

  variables {
    network = { create = true }
  }

  override_resource {
    target          = module.network[0].aws_subnet.private
    override_during = plan
    values          = { id = "subnet-0private" }
  }

  override_resource {
    target          = module.network[0].aws_security_group.this
    override_during = plan
    values          = { id = "sg-0functions" }
  }

  assert {
    condition = length([
      for need in flatten([for who, doc in merge(
        { for k, f in module.functions : k => f.policy_json },
        { for k, f in module.functions : "${k} (vpc)" => f.vpc_policy_json },
        { for k, d in data.aws_iam_policy_document.batch : "${k} (batch)" => d.json },
        ) : [for s in jsondecode(doc).Statement : [
          for a in flatten([s.Action]) : [for r in flatten([s.Resource]) : { who = who, action = a, resource = r }]
      ]]]) : "${need.who}: ${need.action} on ${need.resource}"
      if !anytrue([
        for b in jsondecode(replace(replace(replace(file("policies/permissions-boundary.json"), "PROJECT", "tp"), "ACCOUNT", "123456789012"), "REGION", "eu-west-1")).Statement :
        b.Effect == "Allow" &&
        anytrue([for ba in flatten([b.Action]) : can(regex("^(?i)${replace(replace(ba, ".", "\\."), "*", ".*")}$", need.action))]) &&
        anytrue([for br in flatten([b.Resource]) : can(regex("^${replace(replace(br, ".", "\\."), "*", ".*")}$", need.resource))])
      ])
    ]) == 0
    error_message = "policies/permissions-boundary.json must allow everything the function and Batch policies grant: ${jsonencode([for k, f in module.functions : f.policy_json])}"
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.role.permissions_boundary == "arn:aws:iam::123456789012:policy/tp-boundary"])
    error_message = "Every execution role carries the boundary."
  }
}

# The originals beside checksum's sidecars are out of its reach: no statement
# lets it put an object that is not a .md5 sidecar.
run "checksum_cannot_overwrite_originals" {
  command = plan

  assert {
    condition = !anytrue([
      for s in jsondecode(module.functions["checksum"].policy_json).Statement :
      contains(flatten([s.Action]), "s3:PutObject") && anytrue([for r in flatten([s.Resource]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", "arn:aws:s3:::tp-uploads-x/photo.jpg"))])
    ])
    error_message = "checksum may put only <key>.md5, never an original such as photo.jpg. Got: ${module.functions["checksum"].policy_json}"
  }

  assert {
    condition = !anytrue([
      for s in jsondecode(module.functions["compress"].policy_json).Statement :
      contains(flatten([s.Action]), "s3:PutObject") && anytrue([for r in flatten([s.Resource]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", "arn:aws:s3:::tp-inbox-x/processed/report.csv"))])
    ])
    error_message = "compress may put only its archives (processed/*.gz), not any key under processed/."
  }
}

run "compress_with_a_format_the_catalog_does_not_list" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", prefix = "incoming/", output_prefix = "processed/", suffix = ".csv", settings = { FORMAT = "bzip2" } }
    }
  }

  assert {
    condition     = [for s in jsondecode(module.functions["compress"].policy_json).Statement : s.Resource if s.Sid == "WriteOutput"] == ["arn:aws:s3:::tp-inbox-x/processed/*.csv*"]
    error_message = "An unlisted FORMAT gets any extension after the trigger suffix, not the default .zip (which would refuse every write). Got: ${module.functions["compress"].policy_json}"
  }
}

run "rule_dead_letter_queue_accepts_only_its_rule" {
  command = plan

  assert {
    condition = jsonencode([for s in jsondecode(module.triggers["uploads"].rule_dlq_policy_json["checksum"]).Statement : {
      effect = s.Effect, action = s.Action, resource = s.Resource, principal = s.Principal, condition = s.Condition
      }]) == jsonencode([{
      effect    = "Allow"
      action    = "sqs:SendMessage"
      resource  = "arn:aws:sqs:eu-west-1:123456789012:tp-checksum-rule-dlq"
      principal = { Service = "events.amazonaws.com" }
      condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:123456789012:rule/tp-checksum" } }
    }])
    error_message = "Only the pipeline's own rule may dead-letter into its rule DLQ. Got: ${module.triggers["uploads"].rule_dlq_policy_json["checksum"]}"
  }
}

# The role each pipeline's S3 Batch Operations jobs run as (batch.tf): assumed
# by Batch Operations of this account only, and able to invoke that pipeline's
# live alias, list its source under its trigger prefix and write its own
# reports - nothing else.
run "batch_role_trust" {
  command = plan

  assert {
    condition = alltrue([for k, d in data.aws_iam_policy_document.batch_trust : jsonencode([for s in jsondecode(d.json).Statement : {
      effect = s.Effect, action = s.Action, principal = s.Principal, condition = s.Condition
      }]) == jsonencode([{
      effect    = "Allow"
      action    = "sts:AssumeRole"
      principal = { Service = "batchoperations.s3.amazonaws.com" }
      condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }])])
    error_message = "Only S3 Batch Operations, on behalf of this account, may assume a Batch role. Got: ${data.aws_iam_policy_document.batch_trust["compress"].json}"
  }

  assert {
    condition     = aws_iam_role.batch["compress"].name == "tp-compress_batch" && jsondecode(aws_iam_role.batch["compress"].assume_role_policy) == jsondecode(data.aws_iam_policy_document.batch_trust["compress"].json)
    error_message = "The role is named <project>-<pipeline>_batch and carries the trust policy."
  }
}

run "batch_role_policies" {
  command = plan

  # The alias ARN as Lambda reports it, so that the role's invoke grant is
  # compared with what functions.<pipeline>.target_arn says backfill.sh invokes.
  override_resource {
    target          = module.functions["compress"].aws_lambda_alias.this
    override_during = plan
    values          = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:tp-compress:live" }
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.batch["compress"].json).Statement : s.Resource if s.Sid == "InvokeLiveAlias"] == [output.functions["compress"].target_arn]
    error_message = "The Batch role invokes exactly the ARN the functions output gives scripts/backfill.sh. Got: ${output.functions["compress"].target_arn}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(data.aws_iam_policy_document.batch["compress"].json).Statement : s.Sid => {
      effect = s.Effect, actions = sort(flatten([s.Action])), resources = sort(flatten([s.Resource])), condition = try(s.Condition, null)
      } }) == jsonencode({
      InvokeLiveAlias        = { effect = "Allow", actions = ["lambda:InvokeFunction"], resources = ["arn:aws:lambda:eu-west-1:123456789012:function:tp-compress:live"], condition = null }
      ListSourceUnderTrigger = { effect = "Allow", actions = ["s3:ListBucket", "s3:ListBucketVersions"], resources = ["arn:aws:s3:::tp-inbox-x"], condition = { StringLike = { "s3:prefix" = "incoming/*" } } }
      WriteOwnReports        = { effect = "Allow", actions = ["s3:PutObject"], resources = ["arn:aws:s3:::tp-batch-reports-x/batch-reports/compress/*"], condition = null }
      ReadOwnInventory       = { effect = "Allow", actions = ["s3:GetObject", "s3:GetObjectVersion"], resources = ["arn:aws:s3:::tp-batch-reports-x/inventory/tp-inbox-x/*"], condition = null }
      LocateReportBucket     = { effect = "Allow", actions = ["s3:GetBucketLocation"], resources = ["arn:aws:s3:::tp-batch-reports-x"], condition = null }
    })
    error_message = "compress's Batch role may invoke tp-compress:live, list inbox under incoming/, write batch-reports/compress/ and read inbox's inventory reports - nothing else. Got: ${data.aws_iam_policy_document.batch["compress"].json}"
  }

  # Each role reads only the inventory of its own pipeline's source bucket.
  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.batch["image-resize"].json).Statement : s.Resource if s.Sid == "ReadOwnInventory"] == ["arn:aws:s3:::tp-batch-reports-x/inventory/tp-uploads-x/*"]
    error_message = "image-resize's Batch role reads only uploads' inventory reports. Got: ${data.aws_iam_policy_document.batch["image-resize"].json}"
  }

  # S3 Inventory may deliver into the reports bucket for the pipelines' source
  # buckets of this account, under inventory/ only. The policy document itself
  # renders only once the bucket exists (after a plan); bucket.tftest.hcl
  # asserts the statement these inputs give, with the real provider.
  assert {
    condition = jsonencode(module.batch_reports.inventory_sources) == jsonencode({
      account_id  = "123456789012"
      bucket_arns = ["arn:aws:s3:::tp-uploads-x", "arn:aws:s3:::tp-inbox-x"]
      prefix      = "inventory/"
    })
    error_message = "The reports bucket accepts S3 Inventory from the pipelines' source buckets (uploads, inbox; not reports or images) of this account, under inventory/. Got: ${jsonencode(module.batch_reports.inventory_sources)}"
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.batch["image-resize"].json).Statement : s.Condition if s.Sid == "ListSourceUnderTrigger"] == [{ StringLike = { "s3:prefix" = "photos/*" } }]
    error_message = "image-resize's Batch role lists uploads only under photos/."
  }

  # checksum triggers on the whole bucket: a listing without a prefix carries
  # no s3:prefix, so the grant has no condition to fail it.
  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.batch["checksum"].json).Statement : try(s.Condition, null) if s.Sid == "ListSourceUnderTrigger"] == [null]
    error_message = "A pipeline on the whole bucket lists it without a prefix condition. Got: ${data.aws_iam_policy_document.batch["checksum"].json}"
  }

  assert {
    condition = alltrue(flatten([for k, d in data.aws_iam_policy_document.batch : [for s in jsondecode(d.json).Statement : [
      s.Effect == "Allow",
      alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")]),
      s.Sid != "InvokeLiveAlias" || flatten([s.Resource]) == ["arn:aws:lambda:eu-west-1:123456789012:function:tp-${k}:live"],
      s.Sid != "WriteOwnReports" || flatten([s.Resource]) == ["arn:aws:s3:::tp-batch-reports-x/batch-reports/${k}/*"],
      s.Sid != "ReadOwnInventory" || flatten([s.Resource]) == ["arn:aws:s3:::tp-batch-reports-x/inventory/${k == "compress" ? "tp-inbox-x" : "tp-uploads-x"}/*"],
    ]]]))
    error_message = "Every Batch role invokes only its own pipeline's live alias, writes only its own report prefix and reads only its source bucket's inventory, with no wildcard action."
  }

  assert {
    condition = jsondecode(jsonencode(output.reports_location)) == {
      bucket_arn       = "arn:aws:s3:::tp-batch-reports-x"
      prefix           = "batch-reports/"
      inventory_prefix = "inventory/"
    }
    error_message = "reports_location has the shape scripts/backfill.sh reads. Got: ${jsonencode(output.reports_location)}"
  }
}

run "batch_role_of_an_unpublished_function" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", prefix = "incoming/", output_prefix = "processed/", settings = { FORMAT = "gzip" }, publish = false }
    }
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.batch["compress"].json).Statement : s.Resource if s.Sid == "InvokeLiveAlias"] == ["arn:aws:lambda:eu-west-1:123456789012:function:tp-compress"]
    error_message = "Without an alias the role invokes the function itself, which is what functions.<pipeline>.target_arn names."
  }
}

run "batch_roles_carry_the_boundary" {
  command = plan

  assert {
    condition     = alltrue([for k, r in aws_iam_role.batch : r.permissions_boundary == "arn:aws:iam::123456789012:policy/tp-boundary"])
    error_message = "Every Batch role carries the boundary."
  }
}
