# What a deployment hands to people: `terraform output` after apply. scripts/deploy.sh
# prints these, .github/workflows/deploy-environment.yml writes them (-json) to the
# job summary and docs/deploy.md lists them. No script parses them: they are
# kept for those readers, not for other code.

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
  description = "Per pipeline: function name, the ARN triggers invoke (live alias when published), latest version, log group and async DLQ URL, for operators invoking, rolling back, reading logs or redriving. Printed by scripts/deploy.sh and the deploy workflow's job summary."
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
  description = "Per queue pipeline: SQS queue URL and its DLQ URL, for operators watching the backlog or redriving. Printed by scripts/deploy.sh and the deploy workflow's job summary."
  value = merge([
    for b, t in module.triggers : {
      for k, url in t.queue_urls : k => { url = url, dlq_url = t.dlq_urls[k] }
    }
  ]...)
}
