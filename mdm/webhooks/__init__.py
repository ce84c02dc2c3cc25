"""Webhooks: golden changes POSTed, signed, to subscribed receivers, retried and replayable."""
