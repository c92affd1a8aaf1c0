output "name" {
  description = "The bucket's real (unique) name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "policy_json" {
  description = "The bucket policy document (TLS-only deny)."
  value       = data.aws_iam_policy_document.this.json
}
