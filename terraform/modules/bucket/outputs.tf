output "name" {
  description = "The bucket's real (unique) name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "The KMS key used for default encryption, or null for SSE-S3."
  value       = var.kms_key_arn
}

output "policy_json" {
  description = "The bucket policy document (TLS-only deny)."
  value       = data.aws_iam_policy_document.this.json
}

output "public_access_block" {
  description = "The aws_s3_bucket_public_access_block (all attributes)."
  value       = aws_s3_bucket_public_access_block.this
}

output "ownership_controls" {
  description = "The aws_s3_bucket_ownership_controls (all attributes)."
  value       = aws_s3_bucket_ownership_controls.this
}

output "lifecycle_configuration" {
  description = "The aws_s3_bucket_lifecycle_configuration (all attributes)."
  value       = aws_s3_bucket_lifecycle_configuration.this
}

output "encryption" {
  description = "The aws_s3_bucket_server_side_encryption_configuration (all attributes)."
  value       = aws_s3_bucket_server_side_encryption_configuration.this
}

output "versioning" {
  description = "The aws_s3_bucket_versioning (all attributes)."
  value       = aws_s3_bucket_versioning.this
}
