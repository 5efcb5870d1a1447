// Pages import their images (icons) for the webpack build, which answers a URL; here a name stands in for it.
module.exports = 'image-stub.png';
