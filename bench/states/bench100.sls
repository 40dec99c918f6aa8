# 100 file.managed states per minion, for bench/swarm.sh --state-sls: each swarm minion writes
# its own 100 small files under /tmp/brine-state-bench/<id>/ (all the swarm's minions share this
# machine's disk, so the id keeps them apart). A second run finds every file as desired.
{% for i in range(100) %}
bench-file-{{ i }}:
  file.managed:
    - name: /tmp/brine-state-bench/{{ grains['id'] }}/f{{ i }}.conf
    - contents: "setting_{{ i }} = {{ grains['id'] }}"
    - mode: '0644'
    - makedirs: True
{% endfor %}
