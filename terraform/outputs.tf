output "bucket_names" {
  description = "Real bucket name by logical name."
  value       = { for k, b in module.buckets : k => b.name }
}

output "artifacts_bucket" {
  description = "Bucket the layer zips are uploaded to."
  value       = module.artifacts_bucket.name
}

output "layer_arns" {
  description = "Published layer version ARN by layer name."
  value       = { for k, l in module.layers : k => l.arn }
}

output "functions" {
  description = "Per pipeline: function name, the ARN triggers invoke (live alias when published), latest version, log group and async DLQ URL."
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
  description = "Per queue pipeline: SQS queue URL and its DLQ URL."
  value = merge([
    for b, t in module.triggers : {
      for k, url in t.queue_urls : k => { url = url, dlq_url = t.dlq_urls[k] }
    }
  ]...)
}
