locals {
  # ------------------------------------------------------------------------
  # What each function writes and needs, and what every pipeline, bucket and
  # network field may hold: catalog.json, which the local stack reads too
  # (packages/local-stack/src/catalog.ts). A new function is one entry there.
  # ------------------------------------------------------------------------
  catalog  = jsondecode(file("${path.module}/catalog.json"))
  reserved = local.catalog.reserved_settings
  # Kept for the settings validation message in variables.tf.
  reserved_env = concat(local.reserved.set_by_terraform, local.reserved.set_by_lambda)

  # Where every function's EMF metrics go. Per project, so that two environments
  # in one account and region never share a graph or an alarm; the local stack
  # sets the same (packages/local-stack/src/tfvars.ts, terraformEnvironment).
  metrics_namespace = "${local.catalog.metrics_namespace}/${var.project}"

  raw_buckets   = var.buckets
  raw_pipelines = var.pipelines
  raw_network   = var.network

  # ------------------------------------------------------------------------
  # Strict input. The variables are `any` so that a misspelt field reaches
  # us instead of being dropped by type conversion; every field is read here
  # by its catalog entry, with the same sentences the local stack prints
  # (packages/local-stack/src/tfvars.ts and nearest.ts).
  # ------------------------------------------------------------------------
  sections = {
    pipeline = { fields = local.catalog.pipeline_fields, objects = { for k, p in local.raw_pipelines : "pipeline \"${k}\"" => p } }
    bucket   = { fields = local.catalog.bucket_fields, objects = { for k, b in local.raw_buckets : "bucket \"${k}\"" => b } }
    network  = { fields = local.catalog.network_fields, objects = { "network" = local.raw_network } }
  }

  # The nearest valid field by common start plus common end (Terraform has no
  # edit distance): for each unknown field, each candidate's score.
  unknown_fields = flatten([
    for s, section in local.sections : [
      for owner, object in section.objects : [
        for name in try(keys(object), []) : {
          owner = owner
          name  = name
          valid = sort(keys(section.fields))
          scores = {
            for c in keys(section.fields) : c => min(
              length([for i in range(min(length(name), length(c))) : i if substr(name, 0, i + 1) == substr(c, 0, i + 1)]) +
              length([for i in range(min(length(name), length(c))) : i if substr(name, length(name) - i - 1, i + 1) == substr(c, length(c) - i - 1, i + 1)]),
              min(length(name), length(c)),
            )
          }
        } if !contains(keys(section.fields), name)
      ]
    ]
  ])

  unknown_field_problems = [
    for u in local.unknown_fields : (
      max(values(u.scores)...) * 2 >= length(u.name)
      ? format("%s: unknown field %q (did you mean %q?)", u.owner, u.name, [for c in u.valid : c if u.scores[c] == max(values(u.scores)...)][0])
      : format("%s: unknown field %q (valid fields: %s)", u.owner, u.name, join(", ", u.valid))
    )
  ]

  not_objects = [
    for s, section in local.sections : [
      for owner, object in section.objects : "${owner}: must be an object" if !can(keys(object))
    ]
  ]

  # Each field parsed: null where it is unset, invalid or not an object.
  parsed = {
    for s, section in local.sections : s => {
      for owner, object in section.objects : owner => {
        for f, spec in section.fields : f => {
          raw = try(object[f], null)
          # One conversion per type, picked by the catalog's type (a conditional
          # would unify them all to strings).
          value = {
            string = try(tostring(object[f]), null)
            number = try(tonumber(object[f]), null)
            bool   = try(tobool(object[f]), null)
            map    = try({ for k, v in object[f] : k => tostring(v) }, null)
            list   = try([for v in object[f] : tostring(v)], null)
          }[spec.type]
        }
      }
    }
  }

  value_problems = flatten([
    for s, section in local.sections : [
      for owner, object in section.objects : [
        for f, spec in section.fields : (
          local.parsed[s][owner][f].raw == null ? (try(spec.required, false) ? ["${owner}: ${f} is required"] : []) :
          local.parsed[s][owner][f].value == null ? [
            spec.type == "string" ? "${owner}: ${f} is ${jsonencode(local.parsed[s][owner][f].raw)}; it must be a string" :
            spec.type == "number" ? "${owner}: ${f} is ${jsonencode(local.parsed[s][owner][f].raw)}; it must be a whole number ${try(spec.max, null) == null ? "of at least ${spec.min}" : "from ${spec.min} to ${spec.max}"}" :
            spec.type == "bool" ? "${owner}: ${f} is ${jsonencode(local.parsed[s][owner][f].raw)}; it must be true or false" :
            spec.type == "map" ? "${owner}: ${f} must be an object of strings" :
            "${owner}: ${f} must be a list of strings"
          ] :
          spec.type == "string" && length(try(spec.one_of, [])) > 0 && !try(contains(spec.one_of, local.parsed[s][owner][f].value), true) ? [
            "${owner}: ${f} is \"${local.parsed[s][owner][f].value}\"; it must be one of ${join(", ", spec.one_of)}"
          ] :
          spec.type == "number" && try(
            floor(local.parsed[s][owner][f].value) != local.parsed[s][owner][f].value ||
            local.parsed[s][owner][f].value < try(spec.min, -1e308) || local.parsed[s][owner][f].value > try(spec.max, 1e308),
            false,
            ) ? [
            "${owner}: ${f} is ${jsonencode(local.parsed[s][owner][f].raw)}; it must be a whole number ${try(spec.max, null) == null ? "of at least ${spec.min}" : "from ${spec.min} to ${spec.max}"}"
          ] : []
        )
      ]
    ]
  ])

  # The value of every field, or its catalog default where it is unset or invalid.
  field_values = {
    for s, section in local.sections : s => {
      for owner, object in section.objects : owner => {
        for f, spec in section.fields : f => (
          local.parsed[s][owner][f].value == null ? try(spec.default, null) : local.parsed[s][owner][f].value
        )
      }
    }
  }

  buckets = { for k, _ in local.raw_buckets : k => local.field_values.bucket["bucket \"${k}\""] }
  network = merge(local.field_values.network["network"], {
    azs = local.field_values.network["network"].azs != null ? local.field_values.network["network"].azs : ["${var.region}a", "${var.region}b"]
  })
  pipelines = {
    for k, _ in local.raw_pipelines : k => merge(local.field_values.pipeline["pipeline \"${k}\""], {
      # An unknown function is reported below; checksum stands in so that the
      # other rules still evaluate.
      function = contains(keys(local.catalog.functions), coalesce(local.field_values.pipeline["pipeline \"${k}\""].function, "-")) ? local.field_values.pipeline["pipeline \"${k}\""].function : "checksum"
    })
  }

  bucket_names = sort(keys(local.raw_buckets))

  # Bucket limit: S3 adds 26 characters to bucket_prefix and allows 63.
  bucket_problems = flatten([
    for k, b in local.buckets : concat(
      can(regex("^[a-z0-9][a-z0-9-]*$", k)) && k != "artifacts" ? [] : ["bucket \"${k}\": the name must match ^[a-z0-9][a-z0-9-]*$ and not be \"artifacts\""],
      length("${var.project}-${k}-") <= 37 ? [] : ["bucket \"${k}\": \"${var.project}-${k}-\" is over 37 characters (S3 adds 26 to bucket_prefix); shorten the project or the bucket key"],
      b.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", b.kms_key_arn)) ? [] : ["bucket \"${k}\": kms_key_arn is \"${b.kms_key_arn}\"; it must be a KMS key ARN"],
    )
  ])

  network_problems = concat(
    can(regex("^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$", local.network.cidr)) ? [] : ["network: cidr is \"${local.network.cidr}\"; it must be an IPv4 CIDR such as 10.42.0.0/16"],
    length(local.network.azs) >= 2 ? [] : ["network: azs must list at least 2 availability zones"],
    [for az in local.network.azs : "network: az \"${az}\" is not in region \"${var.region}\"" if !startswith(az, var.region)],
  )

  # What Terraform adds to every function's environment (main.tf), with the
  # longest bucket name S3 allows, since the real one is known after apply.
  terraform_env = {
    for k, p in local.pipelines : k => {
      OUTPUT_BUCKET                = join("", [for i in range(63) : "x"])
      OUTPUT_PREFIX                = local.catalog.functions[p.function].output_location == "beside-source" ? "" : p.output_prefix
      TRIGGER_PREFIX               = p.prefix
      TRIGGER_SUFFIX               = p.suffix
      POWERTOOLS_SERVICE_NAME      = k
      POWERTOOLS_LOG_LEVEL         = "INFO"
      POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    }
  }

  pipeline_problems = flatten([
    for k, p in local.pipelines : concat(
      can(regex("^[a-z0-9][a-z0-9-]*$", k)) ? [] : ["pipeline \"${k}\": the name must match ^[a-z0-9][a-z0-9-]*$"],
      local.field_values.pipeline["pipeline \"${k}\""].function == null || contains(keys(local.catalog.functions), coalesce(local.field_values.pipeline["pipeline \"${k}\""].function, "-")) ? [] : [
        "pipeline \"${k}\": function is \"${local.field_values.pipeline["pipeline \"${k}\""].function}\"; it must be one of ${join(", ", sort(keys(local.catalog.functions)))}"
      ],
      [for f in ["source_bucket", "output_bucket"] : "pipeline \"${k}\": ${f} is \"${p[f]}\", which is not a key of buckets (${join(", ", local.bucket_names)})" if p[f] != null && !contains(local.bucket_names, coalesce(p[f], "-"))],
      [for f in ["prefix", "output_prefix"] : "pipeline \"${k}\": ${f} is \"${p[f]}\"; S3 keys do not start with \"/\"" if startswith(p[f], "/")],
      local.catalog.functions[p.function].output_location != "beside-source" || (p.output_bucket == null && p.output_prefix == "") ? [] : [
        "pipeline \"${k}\": ${p.function} writes beside the source object; leave output_bucket and output_prefix unset"
      ],
      local.catalog.functions[p.function].output_location != "other-bucket" || (p.output_bucket != null && p.output_bucket != p.source_bucket) ? [] : [
        "pipeline \"${k}\": ${p.function} must write to another bucket; set output_bucket to a bucket other than source_bucket"
      ],
      [
        for name, _ in p.settings : (
          !can(regex("^[A-Z][A-Z0-9_]*$", name)) ? "pipeline \"${k}\": setting \"${name}\" must match ^[A-Z][A-Z0-9_]*$" :
          contains(local.reserved.set_by_terraform, name) ? "pipeline \"${k}\": setting \"${name}\" is reserved (Terraform sets it)" :
          "pipeline \"${k}\": setting \"${name}\" is reserved (Lambda sets it)"
        ) if !can(regex("^[A-Z][A-Z0-9_]*$", name)) || contains(local.reserved_env, name)
      ],
      [
        for bytes in [sum(concat([0], [for n, v in merge(p.settings, local.terraform_env[k]) : length(n) + length(v)]))] :
        "pipeline \"${k}\": its environment is ${bytes} bytes (settings plus what Terraform sets, with a 63-character bucket name); Lambda allows ${local.catalog.environment_limit_bytes}"
        if bytes > local.catalog.environment_limit_bytes
      ],
      p.delivery == "queue" && local.parsed.pipeline["pipeline \"${k}\""].max_retries.raw != null ? [
        "pipeline \"${k}\": max_retries applies to direct delivery only (a queue retries through its redrive policy); remove it"
      ] : [],
      [for other in p.consumes : "pipeline \"${k}\": consumes \"${other}\", which is not a pipeline" if !contains(keys(local.raw_pipelines), other)],
    )
  ])

  count_problems = length(local.raw_pipelines) <= local.catalog.max_pipelines ? [] : [
    "${length(local.raw_pipelines)} pipelines: at most ${local.catalog.max_pipelines} are supported (the loop check follows chains that long)"
  ]

  input_problems = concat(
    flatten(local.not_objects), local.unknown_field_problems, local.value_problems,
    local.bucket_problems, local.count_problems, local.pipeline_problems, local.network_problems,
  )
  # Nothing is wired from input that failed: the plan shows only the sentences above.
  input_ok = length(local.input_problems) == 0

  # ------------------------------------------------------------------------
  # Routing, from variables only (the checks use it, so it must not depend
  # on resources).
  # ------------------------------------------------------------------------
  pipeline_routes = !local.input_ok ? {} : {
    for k, p in local.pipelines : k => merge(p, {
      fn = local.catalog.functions[p.function]
      output_logical = (
        local.catalog.functions[p.function].output_location == "beside-source" ? p.source_bucket : coalesce(p.output_bucket, p.source_bucket)
      )
      output_prefix = local.catalog.functions[p.function].output_location == "beside-source" ? "" : p.output_prefix
      output_key_prefix = (
        local.catalog.functions[p.function].output_key_prefix == "prefix" ? p.prefix :
        local.catalog.functions[p.function].output_key_prefix == "output_prefix+prefix" ? "${p.output_prefix}${p.prefix}" :
        p.output_prefix
      )
      # null = unknown suffix (could be anything)
      output_suffix = try(
        local.catalog.functions[p.function].output_suffixes[lookup(p.settings, "FORMAT", "")],
        local.catalog.functions[p.function].output_suffixes[""],
        null,
      )
    })
  }

  routes = {
    for k, r in local.pipeline_routes : k => merge(r, {
      # What every output key ends with: the source key's trigger suffix kept
      # (where the function keeps the key), then its own suffix.
      output_end = r.output_suffix == null ? null : r.fn.output_keeps_key ? "${r.suffix}${r.output_suffix}" : r.output_suffix
      exclude_suffix = (
        r.delivery == "queue" && r.prefix == "" && r.suffix == "" && r.output_suffix != null && r.output_logical == r.source_bucket
      ) ? r.output_suffix : null
    })
  }

  # The routing graph: an edge a -> b, with an example key, when an object a
  # writes can match b's trigger (bucket, prefix, suffix, queue exclusions).
  edges = {
    for a, ra in local.routes : a => {
      for b, rb in local.routes : b => format("%sfile%s",
        length(ra.output_key_prefix) >= length(rb.prefix) ? ra.output_key_prefix : rb.prefix,
        length(ra.output_end == null ? "" : ra.output_end) >= length(rb.suffix) ? (ra.output_end == null ? "" : ra.output_end) : rb.suffix,
      ) if ra.output_logical == rb.source_bucket
      && (startswith(ra.output_key_prefix, rb.prefix) || startswith(rb.prefix, ra.output_key_prefix))
      && (ra.output_end == null || try(endswith(ra.output_end, rb.suffix) || endswith(rb.suffix, ra.output_end), false))
      && !(rb.exclude_suffix != null && try(endswith(ra.output_end, rb.exclude_suffix), false))
    }
  }

  # Everything reachable in up to 1, 2, 4, ... 32 steps: catalog.max_pipelines
  # (32) bounds the number of pipelines, so every loop is found.
  reach_1  = { for a, e in local.edges : a => keys(e) }
  reach_2  = { for a, r in local.reach_1 : a => distinct(concat(r, flatten([for b in r : local.reach_1[b]]))) }
  reach_4  = { for a, r in local.reach_2 : a => distinct(concat(r, flatten([for b in r : local.reach_2[b]]))) }
  reach_8  = { for a, r in local.reach_4 : a => distinct(concat(r, flatten([for b in r : local.reach_4[b]]))) }
  reach_16 = { for a, r in local.reach_8 : a => distinct(concat(r, flatten([for b in r : local.reach_8[b]]))) }
  reach    = { for a, r in local.reach_16 : a => distinct(concat(r, flatten([for b in r : local.reach_16[b]]))) }

  on_loop = [for a, r in local.reach : a if contains(r, a)]
  loops = distinct([
    for a in local.on_loop : sort(distinct(concat([a], [for b in local.reach[a] : b if contains(local.reach[b], a)])))
  ])

  # On a loop of several, the pipeline after the first one (for the example).
  loop_next = [
    for members in local.loops : try([for m in members : m if m != members[0] && contains(keys(local.edges[members[0]]), m)][0], members[0])
  ]

  loop_problems = [
    for i, members in local.loops : (
      length(members) == 1
      ? format(
        "pipeline %q (%s) writes outputs such as %q into its own source bucket %q, which its trigger (prefix %q, suffix %q, %s delivery) matches again; set output_bucket to another bucket, or a prefix, output_prefix or suffix its outputs cannot match.",
        members[0], local.routes[members[0]].function, try(local.edges[members[0]][members[0]], ""), local.routes[members[0]].source_bucket,
        local.routes[members[0]].prefix, local.routes[members[0]].suffix, local.routes[members[0]].delivery,
      )
      : format(
        "pipelines %s form a loop: each one's outputs trigger the next (e.g. %q writes %q into bucket %q, which triggers %q); give one of them an output_bucket, prefix or suffix the others' outputs cannot match.",
        join(", ", [for m in members : "\"${m}\""]), members[0], try(local.edges[members[0]][local.loop_next[i]], ""),
        local.routes[members[0]].output_logical, local.loop_next[i],
      )
    )
  ]

  chain_problems = flatten([
    for a, e in local.edges : [
      for b, example in e : format(
        "pipeline %q would process what pipeline %q writes (e.g. %q in bucket %q); if that chain is intended, add %q to the consumes list of %q, otherwise separate them: give %q a prefix or suffix that %q's outputs cannot match, or send those outputs to another bucket or output_prefix.",
        b, a, example, local.routes[a].output_logical, a, b, b, a,
      ) if b != a && !(contains(local.on_loop, a) && contains(local.reach[b], a)) && !contains(local.routes[b].consumes, a)
    ]
  ])

  direct_keys = [for k, r in local.routes : k if r.delivery == "direct"]

  # Two direct pipelines on one bucket overlap when one prefix starts with the
  # other and one suffix ends with the other ("" matches everything).
  overlap_problems = flatten([
    for i, a in local.direct_keys : [
      for j, b in local.direct_keys : format(
        "direct pipelines %q (prefix %q, suffix %q) and %q (prefix %q, suffix %q) both match the same new objects in bucket %q, which S3 rejects; make their prefixes or suffixes disjoint, or set delivery = \"queue\" on one of them.",
        a, local.routes[a].prefix, local.routes[a].suffix, b, local.routes[b].prefix, local.routes[b].suffix, local.routes[a].source_bucket,
      ) if j > i
      && local.routes[a].source_bucket == local.routes[b].source_bucket
      && (startswith(local.routes[a].prefix, local.routes[b].prefix) || startswith(local.routes[b].prefix, local.routes[a].prefix))
      && (endswith(local.routes[a].suffix, local.routes[b].suffix) || endswith(local.routes[b].suffix, local.routes[a].suffix))
    ]
  ])

  routing_problems = concat(local.overlap_problems, local.loop_problems, local.chain_problems)

  # ------------------------------------------------------------------------
  # Wiring (may use resources).
  # ------------------------------------------------------------------------
  pipeline_layers = {
    for k, r in local.routes : k => [for l in r.fn.layers : replace(l, "{arch}", r.architecture)]
  }

  layers = {
    for l in distinct(flatten(values(local.pipeline_layers))) : l => local.catalog.layers[l]
  }

  context = {
    partition  = data.aws_partition.current.partition
    region     = var.region
    account_id = data.aws_caller_identity.current.account_id
  }

  pipeline_names = { for k, _ in local.routes : k => "${var.project}-${k}" }

  # The keys each pipeline writes: catalog output_key_patterns, filled in. The
  # output grant covers these and no other key, so checksum, which writes
  # beside the originals, can add .md5 sidecars but not overwrite an original.
  # A function whose output_suffixes depend on settings.FORMAT (compress) and a
  # FORMAT the catalog does not list get "*" for the suffix, not a wrong one.
  output_keys = {
    for k, r in local.routes : k => [
      # "**" (an unknown suffix after an empty one) says no more than "*".
      for pattern in r.fn.output_key_patterns : replace(replace(replace(replace(replace(pattern,
        "{output_suffix}", (
          length(keys(r.fn.output_suffixes)) > 1
          ? lookup(r.fn.output_suffixes, lookup(r.settings, "FORMAT", ""), "*")
          : lookup(r.fn.output_suffixes, "", "*")
        )),
        "{output_prefix}", r.output_prefix),
        "{prefix}", r.prefix),
        "{suffix}", r.suffix),
        "**", "*",
      )
    ]
  }

  # The boundary every role gets, by name in the deploying account or by ARN.
  permissions_boundary = var.permissions_boundary == null ? null : replace(var.permissions_boundary, "{project}", var.project)
  permissions_boundary_arn = local.permissions_boundary == null ? null : (
    startswith(local.permissions_boundary, "arn:") ? local.permissions_boundary :
    "arn:${local.context.partition}:iam::${local.context.account_id}:policy/${local.permissions_boundary}"
  )

  # Where alarms go: the given topic, else the one created here, else (opted
  # out) nowhere. Built from names so that plans show it.
  created_alarm_topic = var.alarm_topic_arn == null && !var.alarms_without_actions
  alarm_topic_name    = "${var.project}-alarms"
  alarm_topic_arn = (
    var.alarm_topic_arn != null ? var.alarm_topic_arn :
    local.created_alarm_topic ? "arn:${local.context.partition}:sns:${var.region}:${local.context.account_id}:${local.alarm_topic_name}" :
    null
  )
  # What the alarms name: the topic resource itself when created here, so that
  # they are created after it.
  alarm_topic = var.alarm_topic_arn != null ? var.alarm_topic_arn : one(aws_sns_topic.alarms[*].arn)
}
