# The bucket module on its own, with the REAL provider rendering the bucket
# policy. command = apply with every resource overridden: nothing reaches AWS.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_resource {
  target = aws_s3_bucket.this
  values = { id = "tp-uploads-x", bucket = "tp-uploads-x", arn = "arn:aws:s3:::tp-uploads-x" }
}

override_resource {
  target = aws_s3_bucket_ownership_controls.this
}

override_resource {
  target = aws_s3_bucket_public_access_block.this
}

override_resource {
  target = aws_s3_bucket_versioning.this
}

override_resource {
  target = aws_s3_bucket_server_side_encryption_configuration.this
}

override_resource {
  target = aws_s3_bucket_lifecycle_configuration.this
}

override_resource {
  target = aws_s3_bucket_policy.this
}

run "tls_only_private_versioned" {
  command = apply

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix = "tp-uploads-"
  }

  assert {
    condition = jsonencode(jsondecode(output.policy_json).Statement) == jsonencode([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::tp-uploads-x/*", "arn:aws:s3:::tp-uploads-x"]
        Principal = { AWS = "*" }
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyTlsOlderThan12"
        Effect    = "Deny"
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::tp-uploads-x/*", "arn:aws:s3:::tp-uploads-x"]
        Principal = { AWS = "*" }
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
      {
        Sid       = "DenySseC"
        Effect    = "Deny"
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::tp-uploads-x/*"
        Principal = { AWS = "*" }
        Condition = { Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" } }
      },
    ])
    error_message = "The bucket policy must deny requests without TLS 1.2 or later and uploads with a customer-provided key (SSE-C), and nothing else. Got: ${output.policy_json}"
  }

  assert {
    condition     = !anytrue([for s in jsondecode(output.policy_json).Statement : s.Effect == "Allow"])
    error_message = "Without inventory_sources the policy allows nothing (no S3 Inventory delivery statement). Got: ${output.policy_json}"
  }

  assert {
    condition     = aws_s3_bucket_policy.this.policy == output.policy_json && aws_s3_bucket_policy.this.bucket == "tp-uploads-x"
    error_message = "The TLS-only policy must be attached to the bucket."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets &&
      aws_s3_bucket_public_access_block.this.bucket == "tp-uploads-x"
    )
    error_message = "All four public access blocks must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be BucketOwnerEnforced (ACLs disabled)."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      one(r.apply_server_side_encryption_by_default).sse_algorithm
    ]) == "AES256"
    error_message = "Default encryption must be SSE-S3 without a KMS key."
  }

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.this.rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days == 30 &&
      aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7 &&
      aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].expired_object_delete_marker == true
    )
    error_message = "Noncurrent versions must expire after 30 days, incomplete multipart uploads abort after 7 by default, and expired delete markers go."
  }

  assert {
    condition     = aws_s3_bucket.this.bucket_prefix == "tp-uploads-" && aws_s3_bucket.this.force_destroy == false
    error_message = "The name comes from bucket_prefix; force_destroy is off by default."
  }
}

run "kms_and_lifecycle" {
  command = apply

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix  = "tp-images-"
    kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"
    force_destroy  = true
    lifecycle_days = { noncurrent = 90 }
  }

  assert {
    condition = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : {
      algorithm  = one(r.apply_server_side_encryption_by_default).sse_algorithm
      key        = one(r.apply_server_side_encryption_by_default).kms_master_key_id
      bucket_key = r.bucket_key_enabled
      }]) == {
      algorithm  = "aws:kms"
      key        = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"
      bucket_key = true
    }
    error_message = "With kms_key_arn the default encryption is SSE-KMS with that key and a bucket key."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days == 90 && aws_s3_bucket.this.force_destroy
    error_message = "noncurrent days and force_destroy must follow the inputs."
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.policy_json).Statement : { sid = s.Sid, action = s.Action, condition = s.Condition } if startswith(s.Sid, "DenyOther")]) == jsonencode([
      { sid = "DenyOtherEncryption", action = "s3:PutObject", condition = { StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption" = "aws:kms" } } },
      { sid = "DenyOtherKmsKey", action = "s3:PutObject", condition = { StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222" } } },
    ])
    error_message = "With a KMS key, uploads that ask for other encryption or another key are denied (uploads that ask for nothing get the default). Got: ${output.policy_json}"
  }

  assert {
    condition     = contains([for s in jsondecode(output.policy_json).Statement : s.Sid], "DenySseC") && contains([for s in jsondecode(output.policy_json).Statement : s.Sid], "DenyTlsOlderThan12")
    error_message = "The SSE-C and TLS 1.2 denies apply with a KMS key too."
  }
}

run "rejects_long_prefix" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix = "a-project-name-that-is-far-too-long-x-"
  }

  expect_failures = [var.bucket_prefix]
}

# An inventory_sources with no bucket (a deployment with no pipeline) emits no
# statement either; a malformed one fails at plan time with a sentence.
run "inventory_sources_without_buckets" {
  command = apply

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix     = "tp-batch-reports-"
    inventory_sources = { bucket_arns = [], account_id = "123456789012", prefix = "inventory/" }
  }

  assert {
    condition     = [for s in jsondecode(output.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyTlsOlderThan12", "DenySseC"]
    error_message = "No source bucket, no inventory statement. Got: ${output.policy_json}"
  }
}

run "inventory_sources_with_buckets" {
  command = apply

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix     = "tp-batch-reports-"
    inventory_sources = { bucket_arns = ["arn:aws:s3:::tp-uploads-y"], account_id = "123456789012", prefix = "inventory/" }
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "AllowInventoryDelivery"]) == jsonencode([{
      Sid       = "AllowInventoryDelivery"
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::tp-uploads-x/inventory/*"
      Principal = { Service = "s3.amazonaws.com" }
      Condition = {
        ArnLike      = { "aws:SourceArn" = "arn:aws:s3:::tp-uploads-y" }
        StringEquals = { "aws:SourceAccount" = "123456789012", "s3:x-amz-acl" = "bucket-owner-full-control" }
      }
    }])
    error_message = "The inventory statement is AWS's destination policy, scoped to the prefix. Got: ${output.policy_json}"
  }
}

run "rejects_malformed_inventory_sources" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    bucket_prefix     = "tp-batch-reports-"
    inventory_sources = { bucket_arns = ["tp-uploads-y"], account_id = "123456789012", prefix = "inventory" }
  }

  expect_failures = [var.inventory_sources]
}
