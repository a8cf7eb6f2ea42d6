"""The page script a gr.HTML component of references carries: a click on one of its links with a `data-ref`
becomes the component's `click` event with that reference, which its handler reads from `gr.EventData`.

>>> "#pq-heatmap a[data-ref]" in ref_click_js("pq-heatmap")
True
"""

from __future__ import annotations


def ref_click_js(elem_id: str) -> str:
    """For the component of `elem_id`: registered once per page; the link's own navigation is cancelled."""
    flag = "pqRefClicks_" + elem_id.replace("-", "_")
    return f"""
window['{flag}Open'] = (ref) => trigger('click', {{ref: ref}});
if (!window['{flag}']) {{
  window['{flag}'] = true;
  document.addEventListener('click', (event) => {{
    const link = event.target instanceof Element ? event.target.closest('#{elem_id} a[data-ref]') : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window['{flag}Open'](link.getAttribute('data-ref'));
  }}, true);
}}
"""
