# Generated from routing-cases.json by scripts/routing-cases.ts: do not edit.
# Refused cases are runs that fail: run by scripts/tests/routingCases.test.ts with
#   terraform -chdir=terraform test -test-directory=tests/routing
# which checks every verdict and message against the table, as the local stack's
# routingCases.test.ts does.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }
  }
}

variables {
  project       = "tp"
  artifacts_dir = "tests/fixtures/artifacts"
}

run "chain_compress_into_checksum_refused" {
  command = plan

  variables {
    region    = "eu-west-1"
    buckets   = { "uploads" = {}, "reports" = {}, "inbox" = {}, "archives" = {}, "images" = {}, "photos" = {}, "renditions" = {} }
    network   = {}
    pipelines = { "zip" = { "function" = "compress", "source_bucket" = "uploads", "prefix" = "incoming/", "output_prefix" = "processed/" }, "sums" = { "function" = "checksum", "source_bucket" = "uploads", "prefix" = "processed/" } }
  }

  # refused, saying: pipeline "sums" would process what pipeline "zip" writes
}
