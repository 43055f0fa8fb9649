import operator

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": lambda a, b: int(a / b)}


def eval_rpn(expression):
    stack = []
    for token in expression.split():
        if token in OPS:
            b, a = stack.pop(), stack.pop()
            stack.append(OPS[token](a, b))
        else:
            stack.append(int(token))
    return stack[-1]
