def build_order(deps):
    targets = set(deps)
    for requirements in deps.values():
        targets.update(requirements)
    for target in targets:
        deps.setdefault(target, [])
    order = []
    while len(order) < len(targets):
        ready = sorted(t for t in targets if t not in order and not deps[t])
        if not ready:
            raise ValueError("the dependencies contain a cycle")
        target = ready[0]
        order.append(target)
        for requirements in deps.values():
            while target in requirements:
                requirements.remove(target)
    return order
