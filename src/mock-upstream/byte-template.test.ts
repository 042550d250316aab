import { describe, expect, it } from 'vitest';
import { ByteTemplate, ID_SLOT, isTemplateSafe } from './byte-template.js';

describe('ByteTemplate', () => {
  it('splices the id into every slot', () => {
    const text = JSON.stringify({ id: `chatcmpl-${ID_SLOT}`, tool: `call_${ID_SLOT}`, text: '你好' });
    const rendered = new ByteTemplate(text).render('mock42');
    expect(JSON.parse(rendered.toString())).toEqual({ id: 'chatcmpl-mock42', tool: 'call_mock42', text: '你好' });
    expect(new ByteTemplate(text).render('x').toString()).toBe(text.replaceAll('\\u0001', 'x'));
  });

  it('renders a template without slots unchanged', () => {
    expect(new ByteTemplate('{"a":1}').render('zz').toString()).toBe('{"a":1}');
  });

  it('flags inputs that could fake a slot', () => {
    expect(isTemplateSafe(JSON.stringify(['hello']))).toBe(true);
    expect(isTemplateSafe(JSON.stringify(['a\u0001b']))).toBe(false);
    expect(isTemplateSafe(JSON.stringify(['a\\u0001b']))).toBe(false);
  });
});
