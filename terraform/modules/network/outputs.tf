output "vpc_id" {
  description = "The VPC id."
  value       = aws_vpc.this.id
}

output "subnet_ids" {
  description = "Private subnet ids, one per AZ."
  value       = [for az in var.azs : aws_subnet.private[az].id]
}

output "security_group_id" {
  description = "Security group for the functions (HTTPS egress to S3 only)."
  value       = aws_security_group.this.id
}

output "s3_endpoint_policy_json" {
  description = "The S3 gateway endpoint policy."
  value       = data.aws_iam_policy_document.endpoint.json
}

output "s3_endpoint" {
  description = "The aws_vpc_endpoint for S3 (all attributes)."
  value       = aws_vpc_endpoint.s3
}

output "egress_rule" {
  description = "The security group's only egress rule (all attributes)."
  value       = aws_vpc_security_group_egress_rule.s3
}

output "default_security_group" {
  description = "The VPC's default security group, managed with no rules (all attributes)."
  value       = aws_default_security_group.this
}
