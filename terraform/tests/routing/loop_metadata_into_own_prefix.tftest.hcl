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

run "loop_metadata_into_own_prefix" {
  command = plan

  variables {
    region    = "eu-west-1"
    buckets   = { "uploads" = {}, "reports" = {}, "inbox" = {}, "archives" = {}, "images" = {}, "photos" = {}, "renditions" = {} }
    network   = {}
    pipelines = { "meta" = { "function" = "metadata", "source_bucket" = "uploads", "output_bucket" = "uploads", "output_prefix" = "meta/" } }
  }

  # refused, saying: pipeline "meta" (metadata)
  # refused, saying: "meta/file.metadata.json"
}
