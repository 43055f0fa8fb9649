def build_order(deps):
    targets = set(deps)
    for requirements in deps.values():
        targets.update(requirements)
    requires = {target: set(deps.get(target, ())) for target in targets}
    order = []
    done = set()
    while len(order) < len(targets):
        ready = [t for t in targets if t not in done and requires[t] <= done]
        if not ready:
            raise ValueError("the dependencies contain a cycle")
        target = min(ready)
        order.append(target)
        done.add(target)
    return order
