// Taro's webpack build compiles the app with this preset; jest uses @swc/jest instead.
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
};
