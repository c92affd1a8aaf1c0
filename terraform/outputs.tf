# What a deployment hands to people: `terraform output` after apply. scripts/deploy.sh
# prints these, .github/workflows/deploy-environment.yml writes them (-json) to the
# job summary and docs/deploy.md lists them. scripts/backfill.sh and scripts/replay.sh
# read functions, queues, bucket_names, batch_roles and reports_location (-json);
# docs/operations.md gives those shapes, so change them only together.

output "bucket_names" {
  description = "Real bucket name by logical name, for whoever uploads and reads objects. Printed by scripts/deploy.sh and the deploy workflow's job summary; the local stack writes the same map to its outputs.json."
  value       = { for k, b in module.buckets : k => b.name }
}

output "artifacts_bucket" {
  description = "Bucket the layer zips are uploaded to, for inspecting or cleaning up layer artifacts. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value       = module.artifacts_bucket.name
}

output "layer_arns" {
  description = "Published layer version ARN by layer name, for checking which layer version the functions run. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value       = { for k, l in module.layers : k => l.arn }
}

output "functions" {
  description = "Per pipeline: function name, the ARN triggers invoke (live alias when published), latest version, log group and async DLQ URL (direct delivery; null for queue delivery), for operators invoking, rolling back, reading logs or redriving. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = {
    for k, f in module.functions : k => {
      name       = f.name
      target_arn = f.target_arn
      version    = f.version
      log_group  = f.log_group_name
      dlq_url    = f.dlq_url
    }
  }
}

output "queues" {
  description = "Per queue pipeline: SQS queue URL, its DLQ URL (messages that failed max_receive_count times) and the rule's dead-letter queue URL (events EventBridge could not put into the queue), for operators watching the backlog or redriving. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = merge([
    for b, t in module.triggers : {
      for k, url in t.queue_urls : k => { url = url, dlq_url = t.dlq_urls[k], rule_dlq_url = t.rule_dlq_urls[k] }
    }
  ]...)
}

output "alarm_notifications" {
  description = "Where every alarm goes, in a sentence, so that a plan says when alarms would reach no one. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = (
    var.alarm_topic_arn != null ? "Alarms notify ${var.alarm_topic_arn} (alarm_topic_arn)." :
    local.created_alarm_topic ? "Alarms notify ${local.alarm_topic_arn}, created by this configuration: subscribe on-call to it (aws sns subscribe --topic-arn ${local.alarm_topic_arn} --protocol email --notification-endpoint ...), or set alarm_topic_arn to an existing topic." :
    "Alarms notify NO ONE: alarms_without_actions = true (this environment opted out). Set alarm_topic_arn, or remove the opt-out, before anyone relies on it."
  )
}

output "permissions_boundary" {
  description = "The permissions boundary on every IAM role this configuration creates, or a sentence saying there is none. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value       = local.permissions_boundary_arn == null ? "none: permissions_boundary = null (explicit opt-out); the roles are limited only by their own policies" : local.permissions_boundary_arn
}

output "destroy_protection" {
  description = "What a destroy of this environment keeps, in a sentence. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = (
    var.protect_from_destroy
    ? "protect_from_destroy = true: destroy keeps every function's log group (skip_destroy) and empties no data bucket (force_destroy is off whatever the bucket says); a bucket that still holds objects makes the destroy fail."
    : "protect_from_destroy = false: destroy deletes the log groups and empties the buckets with force_destroy = true (${length([for k, b in local.buckets : k if b.force_destroy])} of ${length(local.buckets)})."
  )
}

output "network" {
  description = "With network.create: the VPC, its private subnets and the functions' security group, for operators placing other resources beside them; null without a VPC. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = length(module.network) == 0 ? null : {
    vpc_id            = module.network[0].vpc_id
    subnet_ids        = module.network[0].subnet_ids
    security_group_id = module.network[0].security_group_id
  }
}

output "batch_roles" {
  description = "Per pipeline, the ARN of the role its S3 Batch Operations jobs run as (trusted by batchoperations.s3.amazonaws.com from this account only; invokes the pipeline's live alias, lists the source bucket under the trigger prefix, reads that bucket's S3 Inventory reports, writes its own reports). Read by scripts/backfill.sh as the job's RoleArn."
  value       = { for k, r in aws_iam_role.batch : k => r.arn }
}

output "reports_location" {
  description = "Where Batch Operations completion reports go: bucket_arn and prefix; a job of pipeline P writes under <prefix>P/job-<id>/. inventory_prefix: the destination prefix for S3 Inventory reports of a source bucket, which S3 writes under <inventory_prefix><source bucket>/. Read by scripts/backfill.sh."
  value = {
    bucket_arn       = module.batch_reports.arn
    prefix           = local.batch_reports_prefix
    inventory_prefix = local.batch_inventory_prefix
  }
}

output "dashboard" {
  description = "The environment's CloudWatch dashboard: its name and console URL. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = {
    name = aws_cloudwatch_dashboard.this.dashboard_name
    url  = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
  }
}
