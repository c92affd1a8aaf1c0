output "arn" {
  description = "ARN of the published layer version (what a function's `layers` takes)."
  value       = aws_lambda_layer_version.this.arn
}

output "layer_version" {
  description = "The aws_lambda_layer_version (all attributes)."
  value       = aws_lambda_layer_version.this
}

output "object" {
  description = "The uploaded aws_s3_object (all attributes)."
  value       = aws_s3_object.this
}
