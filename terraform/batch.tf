# ------------------------------------------------------------------ backfill --
#
# What scripts/backfill.sh needs to start an S3 Batch Operations job on a
# pipeline (docs/operations.md): a role per pipeline that S3 Batch Operations
# assumes, and a bucket for the completion reports (and for the S3 Inventory
# reports a job may take as its manifest). The job itself is created
# by the script, not here: a backfill is an operator's decision, not state.

locals {
  # Where Batch writes completion reports: <prefix><pipeline>/job-<id>/...
  # (scripts/backfill.sh adds the pipeline). Each role may write only its own.
  batch_reports_prefix = "batch-reports/"

  # Where S3 Inventory may deliver reports of the pipelines' source buckets,
  # for `scripts/backfill.sh --inventory`: an inventory configuration with this
  # destination prefix writes <prefix><source bucket>/<config id>/..., and each
  # pipeline's role may read only its own source bucket's.
  batch_inventory_prefix  = "inventory/"
  batch_inventory_sources = distinct([for k, r in local.routes : r.source_bucket])

  # "_" cannot occur in a project or pipeline name, so no pipeline's execution
  # role ("<project>-<pipeline>") can ever be named like another's Batch role.
  batch_role_names = { for k, _ in local.routes : k => "${local.pipeline_names[k]}_batch" }

  # Built from names so that the policies render at plan time: the `live`
  # alias when the function publishes versions, else the function itself
  # (which is what functions.<pipeline>.target_arn names).
  batch_invoke_arns = {
    for k, r in local.routes : k => format("arn:%s:lambda:%s:%s:function:%s%s",
      local.context.partition, var.region, local.context.account_id, local.pipeline_names[k], r.publish ? ":live" : "",
    )
  }
}

# Completion reports of every pipeline's Batch jobs, and the S3 Inventory
# reports of their source buckets that a user's inventory configuration
# delivers under inventory/: operational records, not data the pipelines
# read, so no pipeline's trigger ever sees them. Kept on
# destroy like the data buckets unless protect_from_destroy = false.
module "batch_reports" {
  source = "./modules/bucket"

  bucket_prefix = "${var.project}-batch-reports-"
  force_destroy = !var.protect_from_destroy
  inventory_sources = {
    bucket_arns = [for b in local.batch_inventory_sources : module.buckets[b].arn]
    account_id  = local.context.account_id
    prefix      = local.batch_inventory_prefix
  }
}

data "aws_iam_policy_document" "batch_trust" {
  for_each = local.routes

  statement {
    sid     = "S3BatchOperationsOnly"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["batchoperations.s3.amazonaws.com"]
    }

    # Confused-deputy guard: only jobs of this account may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.context.account_id]
    }
  }
}

resource "aws_iam_role" "batch" {
  for_each = local.routes

  name                 = local.batch_role_names[each.key]
  description          = "S3 Batch Operations jobs of pipeline ${each.key} (scripts/backfill.sh)"
  assume_role_policy   = data.aws_iam_policy_document.batch_trust[each.key].json
  permissions_boundary = one(data.aws_iam_policy.boundary[*].arn)
  tags                 = { pipeline = each.key }
}

data "aws_iam_policy_document" "batch" {
  for_each = local.routes

  statement {
    sid       = "InvokeLiveAlias"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.batch_invoke_arns[each.key]]
  }

  # The manifest generator lists the source bucket (object versions too: the
  # buckets are versioned and the manifest names each object's version), and
  # only under the trigger prefix, which scripts/backfill.sh never widens. A
  # pipeline on the whole bucket lists with no prefix at all, which a
  # StringLike on s3:prefix would refuse.
  statement {
    sid       = "ListSourceUnderTrigger"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [module.buckets[each.value.source_bucket].arn]

    dynamic "condition" {
      for_each = each.value.prefix == "" ? {} : { prefix = each.value.prefix }

      content {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${condition.value}*"]
      }
    }
  }

  statement {
    sid       = "WriteOwnReports"
    actions   = ["s3:PutObject"]
    resources = ["${module.batch_reports.arn}/${local.batch_reports_prefix}${each.key}/*"]
  }

  # An S3 Inventory manifest of the source bucket (backfill.sh --inventory):
  # Batch reads manifest.json and the CSV files it lists, all below here.
  # Version reads too: the reports bucket is versioned.
  statement {
    sid       = "ReadOwnInventory"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${module.batch_reports.arn}/${local.batch_inventory_prefix}${module.buckets[each.value.source_bucket].name}/*"]
  }

  # AWS's Batch Operations examples grant this on the report bucket.
  statement {
    sid       = "LocateReportBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [module.batch_reports.arn]
  }
}

resource "aws_iam_role_policy" "batch" {
  for_each = local.routes

  name   = "least-privilege"
  role   = aws_iam_role.batch[each.key].id
  policy = data.aws_iam_policy_document.batch[each.key].json
}
