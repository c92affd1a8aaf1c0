locals {
  # One hash of the zip drives both the object (re-upload only on change) and
  # the layer version (publish only on change).
  zip_md5    = filemd5(var.zip_path)
  zip_sha256 = filebase64sha256(var.zip_path)
}

resource "aws_s3_object" "this" {
  bucket      = var.artifacts_bucket
  key         = "layers/${var.name}.zip"
  source      = var.zip_path
  source_hash = local.zip_md5
  tags        = var.tags
}

resource "aws_lambda_layer_version" "this" {
  layer_name               = var.name
  description              = "${var.name} (sha256 ${local.zip_sha256})"
  s3_bucket                = aws_s3_object.this.bucket
  s3_key                   = aws_s3_object.this.key
  s3_object_version        = aws_s3_object.this.version_id
  source_code_hash         = local.zip_sha256
  compatible_runtimes      = var.compatible_runtimes
  compatible_architectures = var.compatible_architectures
  skip_destroy             = var.skip_destroy
}
