"""The scheduled crawl (`vahti ci`): several sites, alarm checks, promote on success, digest and exports."""
