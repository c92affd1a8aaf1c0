data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The permissions boundary must exist before any role names it: reading it here
# fails the plan, not the apply, when it was never created (docs/deploy.md).
data "aws_iam_policy" "boundary" {
  count = local.permissions_boundary_arn == null ? 0 : 1

  arn = local.permissions_boundary_arn
}

# Plan-time checks of the buckets, pipelines and network input and of the
# routing graph (a validation block on var.pipelines cannot use the locals
# derived from it). Stores nothing. The sentences are the local stack's too.
resource "terraform_data" "pipeline_rules" {
  lifecycle {
    precondition {
      condition     = local.input_ok
      error_message = "Invalid configuration:\n  ${join("\n  ", local.input_problems)}"
    }

    precondition {
      condition     = length(local.routing_problems) == 0
      error_message = "Routing:\n  ${join("\n  ", local.routing_problems)}"
    }
  }
}

# ------------------------------------------------------------------ buckets --

module "buckets" {
  source   = "./modules/bucket"
  for_each = local.input_ok ? local.buckets : {}

  bucket_prefix = "${var.project}-${each.key}-"
  # protect_from_destroy wins: a bucket holding data is never emptied by a destroy.
  force_destroy = each.value.force_destroy && !var.protect_from_destroy
  kms_key_arn   = each.value.kms_key_arn
  lifecycle_days = {
    noncurrent = each.value.noncurrent_days
  }
}

# Holds the layer zips that layer versions are published from: built output,
# never data, so a destroy may always empty it.
module "artifacts_bucket" {
  source = "./modules/bucket"

  bucket_prefix = "${var.project}-artifacts-"
  force_destroy = true
}

# ------------------------------------------------------------------- layers --

module "layers" {
  source   = "./modules/layer"
  for_each = local.layers

  name                     = "${var.project}-${each.key}"
  zip_path                 = "${var.artifacts_dir}/layers/${each.key}.zip"
  artifacts_bucket         = module.artifacts_bucket.name
  compatible_architectures = each.value
}

# ------------------------------------------------------------------ network --

module "network" {
  source = "./modules/network"
  count  = local.input_ok && local.network.create ? 1 : 0

  name        = var.project
  region      = var.region
  cidr        = local.network.cidr
  azs         = local.network.azs
  bucket_arns = [for k, b in module.buckets : b.arn]
}

# ------------------------------------------------------------------- alarms --

# Alarms reach someone unless the environment says otherwise: with neither
# alarm_topic_arn nor alarms_without_actions = true, every alarm notifies this
# topic. Subscribe on-call to it (output alarm_notifications). Not encrypted:
# CloudWatch cannot publish to a topic under the AWS-managed SNS key, and the
# messages carry alarm names and states, no object data.
resource "aws_sns_topic" "alarms" {
  count = local.created_alarm_topic ? 1 : 0

  name = local.alarm_topic_name
}

# ---------------------------------------------------------------- functions --

module "functions" {
  source   = "./modules/function"
  for_each = local.routes

  name        = local.pipeline_names[each.key]
  context     = local.context
  description = "${each.value.function} for pipeline ${each.key}"
  zip_path    = "${var.artifacts_dir}/functions/${each.value.function}.zip"
  layers      = [for l in local.pipeline_layers[each.key] : module.layers[l].arn]
  publish     = each.value.publish

  compute = {
    architecture         = each.value.architecture
    memory_mb            = each.value.memory_mb
    timeout_s            = each.value.timeout_s
    reserved_concurrency = each.value.reserved_concurrency
  }

  # Queue pipelines are invoked by their event source mapping, never
  # asynchronously: no async DLQ or retries to configure.
  async_invoke = each.value.delivery == "direct" ? {
    max_retries     = each.value.max_retries
    max_event_age_s = each.value.max_event_age_s
  } : null

  permissions_boundary_arn = one(data.aws_iam_policy.boundary[*].arn)
  retain_log_group         = var.protect_from_destroy

  environment = merge(each.value.settings, {
    OUTPUT_BUCKET                = module.buckets[each.value.output_logical].name
    OUTPUT_PREFIX                = each.value.output_prefix
    TRIGGER_PREFIX               = each.value.prefix
    TRIGGER_SUFFIX               = each.value.suffix
    POWERTOOLS_SERVICE_NAME      = each.key
    POWERTOOLS_LOG_LEVEL         = "INFO"
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
  })

  s3_object_access = {
    ReadSource = {
      bucket_arn = module.buckets[each.value.source_bucket].arn
      keys       = ["${each.value.prefix}*"]
      actions    = each.value.fn.source_actions
    }
    # Exactly the keys the function writes (catalog output_key_patterns).
    WriteOutput = {
      bucket_arn = module.buckets[each.value.output_logical].arn
      keys       = local.output_keys[each.key]
      actions    = each.value.fn.output_actions
    }
  }

  s3_list_access = merge(
    contains(each.value.fn.list, "source") ? {
      ListSource = {
        bucket_arn = module.buckets[each.value.source_bucket].arn
        prefix     = each.value.prefix
      }
    } : {},
    contains(each.value.fn.list, "output") ? {
      ListOutput = {
        bucket_arn = module.buckets[each.value.output_logical].arn
        prefix     = each.value.output_key_prefix
      }
    } : {},
  )

  kms_key_arns = compact(distinct([
    local.buckets[each.value.source_bucket].kms_key_arn,
    local.buckets[each.value.output_logical].kms_key_arn,
  ]))

  queue = each.value.delivery == "queue" ? {
    arn = "arn:${local.context.partition}:sqs:${var.region}:${local.context.account_id}:${local.pipeline_names[each.key]}"
  } : null

  vpc = local.network.create ? {
    subnet_ids         = module.network[0].subnet_ids
    security_group_ids = [module.network[0].security_group_id]
  } : null

  log_retention_days = var.log_retention_days

  alarms = {
    topic_arn = local.alarm_topic
  }

  tags = { pipeline = each.key }
}

# ----------------------------------------------------------------- triggers --

# One trigger module per source bucket, holding every pipeline on it.
module "triggers" {
  source = "./modules/trigger"
  for_each = {
    for b in distinct([for k, r in local.routes : r.source_bucket]) : b => {
      for k, r in local.routes : k => r if r.source_bucket == b
    }
  }

  bucket = {
    name = module.buckets[each.key].name
    arn  = module.buckets[each.key].arn
  }
  context         = local.context
  alarm_topic_arn = local.alarm_topic

  pipelines = {
    for k, r in each.value : k => {
      delivery            = r.delivery
      prefix              = r.prefix
      suffix              = r.suffix
      exclude_suffix      = r.output_logical == r.source_bucket ? r.output_suffix : null
      function_name       = module.functions[k].name
      function_target_arn = module.functions[k].target_arn
      qualifier           = module.functions[k].qualifier
      queue_name          = local.pipeline_names[k]
      # SQS guidance: at least 6x the function timeout.
      visibility_timeout_s  = 6 * r.timeout_s
      batch_size            = r.batch_size
      max_batching_window_s = r.batch_size > 10 ? 1 : 0
      max_receive_count     = 5
      # Never more than reserved concurrency: a mapping above it is throttled,
      # and throttled messages count towards max_receive_count (then the DLQ).
      max_concurrency = r.reserved_concurrency == null ? r.max_concurrency : max(2, min(r.max_concurrency, r.reserved_concurrency))
    }
  }
}
