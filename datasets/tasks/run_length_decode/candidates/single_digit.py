def decode(text):
    out = []
    count = 1
    for ch in text:
        if ch.isdigit():
            count = int(ch)
        else:
            out.append(ch * count)
            count = 1
    return "".join(out)
