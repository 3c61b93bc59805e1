window.HCP_PACKS = window.HCP_PACKS || {};
