// Pages import their .scss for the webpack build; jsdom needs no styles.
module.exports = {};
