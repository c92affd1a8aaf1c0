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

# compress A to B and back
run "loop_two_buckets_there_and_back" {
  command = plan

  variables {
    region    = "eu-west-1"
    buckets   = { "uploads" = {}, "reports" = {}, "inbox" = {}, "archives" = {}, "images" = {}, "photos" = {}, "renditions" = {} }
    network   = {}
    pipelines = { "a" = { "function" = "compress", "source_bucket" = "uploads", "prefix" = "incoming/", "output_prefix" = "in/", "output_bucket" = "reports" }, "b" = { "function" = "compress", "source_bucket" = "reports", "prefix" = "in/", "output_prefix" = "incoming/", "output_bucket" = "uploads" } }
  }

  # refused, saying: pipelines "a", "b" form a loop
  # refused, saying: "a" writes
}
