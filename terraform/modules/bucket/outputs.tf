output "name" {
  description = "The bucket's real (unique) name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "policy_json" {
  description = "The bucket policy document: denies requests without TLS 1.2+, SSE-C uploads and, with a KMS key, uploads asking for other encryption or another key; with inventory_sources, allows S3 Inventory to deliver under its prefix."
  value       = data.aws_iam_policy_document.this.json
}

# The whole resource, for tests and debugging (terraform console).
output "bucket" {
  description = "The aws_s3_bucket (all attributes)."
  value       = aws_s3_bucket.this
}

# What the policy's inventory statement is built from, known at plan time
# (the policy document itself is read only once the bucket exists).
output "inventory_sources" {
  description = "The S3 Inventory deliveries the bucket policy accepts: inventory_sources as given, or null when it names no bucket."
  value       = try(length(var.inventory_sources.bucket_arns), 0) > 0 ? var.inventory_sources : null
}
