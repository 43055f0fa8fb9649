import heapq


def build_order(deps):
    waiting = {}
    dependents = {}
    for target, requirements in deps.items():
        waiting.setdefault(target, set()).update(requirements)
        for requirement in requirements:
            waiting.setdefault(requirement, set())
            dependents.setdefault(requirement, []).append(target)
    ready = [target for target, missing in waiting.items() if not missing]
    heapq.heapify(ready)
    order = []
    while ready:
        target = heapq.heappop(ready)
        order.append(target)
        for dependent in dependents.get(target, []):
            missing = waiting[dependent]
            if target in missing:
                missing.discard(target)
                if not missing:
                    heapq.heappush(ready, dependent)
    return order
