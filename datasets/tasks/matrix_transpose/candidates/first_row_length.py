def transpose(matrix):
    width = len(matrix[0])
    if any(len(row) != width for row in matrix):
        raise ValueError("rows have different lengths")
    return [[row[c] for row in matrix] for c in range(width)]
