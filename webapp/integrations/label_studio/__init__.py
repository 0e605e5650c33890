"""Label Studio, where annotators label a project's images: links, pushing tasks, pulling annotations.

- ``instances``: which Label Studio (and token) an organization works in
- ``client``: the SDK client for one, and its failures as the platform's errors
- ``label_config``: a project's labeling config
- ``signing``: signed image URLs and webhook secrets
- ``links``: linking a project, its sync status, and the flows' reports
- ``webhooks``: Label Studio's webhooks: registering them and taking their events
- ``push``: the push flow's work: images without a task, task URLs to renew
- ``pull``: the pull queue webhooks fill, and starting pulls
- ``sync``: Label Studio's annotations turned into ours
- ``subscribers``: what the integration does when the core's signals say something changed
"""
