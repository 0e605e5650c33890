// Images of the API in <img> tags. The API gives each image signed, short-lived URLs
// (thumbnail_url, file_url) that need no header; an unsigned URL (an older server) is fetched with
// the bearer token and shown from a blob: URL instead.

import { session } from './api.js';
import { h } from './dom.js';

const blobs = new Set();

function signed(url) {
  return /[?&]sig=/.test(url);
}

async function viaBlob(url) {
  const resp = await fetch(url, { headers: { Authorization: `Bearer ${session()?.access_token}` } });
  if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
  const objectUrl = URL.createObjectURL(await resp.blob());
  blobs.add(objectUrl);
  return objectUrl;
}

// <img> of an API image URL; props as for h().
export function apiImage(url, props = {}) {
  const img = h('img', { decoding: 'async', ...props });
  if (!url) return img;
  if (signed(url)) {
    img.src = url;
  } else {
    viaBlob(url).then((u) => { img.src = u; }).catch(() => img.classList.add('img-broken'));
  }
  return img;
}

// Free the blob: URLs made so far (a page calls it when left).
export function releaseImages() {
  for (const u of blobs) URL.revokeObjectURL(u);
  blobs.clear();
}

// An image object's thumbnail or file as an <img>: its signed URL, else the plain one.
export function imageOf(image, variant, props = {}) {
  const url = variant === 'file'
    ? image.signed_file_url || image.file_url
    : image.signed_thumbnail_url || image.thumbnail_url;
  return apiImage(url, props);
}
