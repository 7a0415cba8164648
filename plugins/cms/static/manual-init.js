// Decap CMS starts itself as soon as it loads, unless told otherwise: admin.js starts it,
// once it knows whether the development server's local backend is there.
window.CMS_MANUAL_INIT = true;
