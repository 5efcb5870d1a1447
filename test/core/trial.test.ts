import { CENTER_PAGE, HOME_PAGE, parseScene, SCENE_MAX, sceneRoute, TRIAL_JOIN_PAGE } from '../../src/core/trial';

/** The scenes of mini-program codes (issue 15): a trial invite (t=<code>) and a center's poster (c=<center code>). */
describe('parseScene', () => {
  it('reads a center’s poster scene and a trial invite’s, as WeChat passes them (URL-encoded) or decoded', () => {
    expect(parseScene('c%3D321000')).toEqual({ kind: 'center', centerCode: '321000' });
    expect(parseScene('c=321000')).toEqual({ kind: 'center', centerCode: '321000' });
    expect(parseScene('t%3DABCD2345')).toEqual({ kind: 'invite', code: 'ABCD2345' });
    expect(parseScene('t=ABCD2345')).toEqual({ kind: 'invite', code: 'ABCD2345' });
  });

  it('answers nothing for an unknown or malformed scene', () => {
    for (const raw of [undefined, 42, '', 'c=32100', 'c=3210000', 'c=32100a', 't=abcd2345', 't=ABCD0345', 't=ABCD23456', 'x=321000', 'c=321000&t=ABCD2345', '%E0%A4%A', 'c'.repeat(3 * SCENE_MAX + 1)]) {
      expect(parseScene(raw)).toBeUndefined();
    }
  });
});

describe('sceneRoute', () => {
  it('sends a center’s scene to the center page and an invite’s to the join page, keeping the scene', () => {
    expect(sceneRoute(HOME_PAGE, 'c%3D321000')).toBe(`/${CENTER_PAGE}?scene=c%3D321000`);
    expect(sceneRoute(`/${HOME_PAGE}`, 't=ABCD2345')).toBe(`/${TRIAL_JOIN_PAGE}?scene=t%3DABCD2345`);
    expect(sceneRoute(CENTER_PAGE, 't%3DABCD2345')).toBe(`/${TRIAL_JOIN_PAGE}?scene=t%3DABCD2345`);
  });

  it('stays on the page a scene opens, and where there is no scene', () => {
    expect(sceneRoute(CENTER_PAGE, 'c%3D321000')).toBeUndefined();
    expect(sceneRoute(`/${TRIAL_JOIN_PAGE}`, 't%3DABCD2345')).toBeUndefined();
    expect(sceneRoute(CENTER_PAGE, undefined)).toBeUndefined();
    expect(sceneRoute('pages/mine/index', '')).toBeUndefined();
  });

  it('opens the home page for an unknown or malformed scene', () => {
    expect(sceneRoute(CENTER_PAGE, 'c%3D12')).toBe(`/${HOME_PAGE}`);
    expect(sceneRoute(TRIAL_JOIN_PAGE, 'hello')).toBe(`/${HOME_PAGE}`);
    expect(sceneRoute(HOME_PAGE, 'hello')).toBeUndefined();
  });
});
