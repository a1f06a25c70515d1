#!/usr/bin/env python3
"""Builds SalesCrm.Web/Resources/SharedResource.en.resx from tools/en.tsv (Russian key <TAB> English).
Keys are the Russian UI texts; run after adding strings: python3 tools/make-resx.py"""
import html, os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pairs = {}
for line in open(os.path.join(root, 'tools', 'en.tsv'), encoding='utf-8'):
    line = line.rstrip('\n')
    if not line or '\t' not in line:
        continue
    ru, en = line.split('\t', 1)
    pairs[ru] = en
out = ['<?xml version="1.0" encoding="utf-8"?>', '<root>',
       '  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>',
       '  <resheader name="version"><value>2.0</value></resheader>',
       '  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>',
       '  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>']
# Resource names are unique regardless of case; the second of two keys that differ only by case gets a trailing U+200B,
# which SharedLocalizer (SalesCrm.Web/Resources) looks up when the plain key is missing.
seen = set()
for ru in sorted(pairs):
    name = ru if ru.lower() not in seen else ru + '\u200b'
    seen.add(ru.lower())
    out.append(f'  <data name="{html.escape(name, quote=True)}" xml:space="preserve"><value>{html.escape(pairs[ru], quote=False)}</value></data>')
out.append('</root>')
path = os.path.join(root, 'SalesCrm.Web', 'Resources', 'SharedResource.en.resx')
open(path, 'w', encoding='utf-8').write('\n'.join(out) + '\n')
print(f'{len(pairs)} strings -> {path}')
