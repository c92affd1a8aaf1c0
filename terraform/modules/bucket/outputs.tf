output "name" {
  description = "The bucket's real (unique) name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "policy_json" {
  description = "The bucket policy document: denies requests without TLS 1.2+, SSE-C uploads and, with a KMS key, uploads asking for other encryption or another key."
  value       = data.aws_iam_policy_document.this.json
}

# The whole resource, for tests and debugging (terraform console).
output "bucket" {
  description = "The aws_s3_bucket (all attributes)."
  value       = aws_s3_bucket.this
}
