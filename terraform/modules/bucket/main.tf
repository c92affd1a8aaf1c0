resource "aws_s3_bucket" "this" {
  bucket_prefix = var.bucket_prefix
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-and-abort-multipart"
    status = "Enabled"

    filter {}

    # A delete leaves a marker; once its noncurrent versions have expired the
    # marker hides nothing and would otherwise stay (and be listed) forever.
    expiration {
      expired_object_delete_marker = true
    }

    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_days.noncurrent
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_days.abort_multipart
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# Deny every request that does not use TLS 1.2 or later, every upload with a
# customer-provided key (SSE-C: objects only the uploader's key could read), and
# with a KMS key set, every upload that asks for other encryption or another
# key. A Deny is the one place where a broad action list is the safe
# direction: narrowing it would weaken it.
data "aws_iam_policy_document" "this" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid     = "DenyTlsOlderThan12"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }

  statement {
    sid       = "DenySseC"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-customer-algorithm"
      values   = ["false"]
    }
  }

  # Uploads that name no encryption get the default (this key); uploads that
  # name another algorithm or key are refused. A key must be named by its ARN.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? {} : {
      DenyOtherEncryption = { variable = "s3:x-amz-server-side-encryption", value = "aws:kms" }
      DenyOtherKmsKey     = { variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", value = var.kms_key_arn }
    }

    content {
      sid       = statement.key
      effect    = "Deny"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/*"]

      principals {
        type        = "AWS"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEqualsIfExists"
        variable = statement.value.variable
        values   = [statement.value.value]
      }
    }
  }

  # Lets S3 Inventory deliver the reports of the listed source buckets, and
  # only under the prefix: the destination bucket policy of AWS's inventory
  # guide ("Creating a destination bucket policy"), narrowed from the whole
  # bucket to the prefix S3 writes every report file under.
  dynamic "statement" {
    for_each = try(length(var.inventory_sources.bucket_arns), 0) > 0 ? { AllowInventoryDelivery = var.inventory_sources } : {}

    content {
      sid       = statement.key
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/${statement.value.prefix}*"]

      principals {
        type        = "Service"
        identifiers = ["s3.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = statement.value.bucket_arns
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [statement.value.account_id]
      }

      condition {
        test     = "StringEquals"
        variable = "s3:x-amz-acl"
        values   = ["bucket-owner-full-control"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # A bucket policy is checked against the public access block, so set that first.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
