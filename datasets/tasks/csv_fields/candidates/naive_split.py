def split_csv_line(line):
    return [f.strip('"') for f in line.split(",")]
