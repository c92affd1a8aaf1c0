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

run "metadata_same_bucket_other_prefix_plans" {
  command = plan

  variables {
    region    = "eu-west-1"
    buckets   = { "uploads" = {}, "reports" = {}, "inbox" = {}, "archives" = {}, "images" = {}, "photos" = {}, "renditions" = {} }
    network   = {}
    pipelines = { "meta" = { "function" = "metadata", "source_bucket" = "uploads", "output_bucket" = "uploads", "prefix" = "data/", "output_prefix" = "meta/" } }
  }

  assert {
    condition     = length(module.functions) == 1
    error_message = "metadata_same_bucket_other_prefix_plans plans its 1 pipeline(s)."
  }
}
