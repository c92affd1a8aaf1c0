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

run "network_default_azs_follow_region_plans" {
  command = plan

  variables {
    region    = "us-east-1"
    buckets   = { "uploads" = {}, "reports" = {}, "inbox" = {}, "archives" = {}, "images" = {}, "photos" = {}, "renditions" = {} }
    network   = { "create" = true }
    pipelines = {}
  }

  assert {
    condition     = length(module.functions) == 0
    error_message = "network_default_azs_follow_region_plans plans its 0 pipeline(s)."
  }
}
